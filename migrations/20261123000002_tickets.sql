-- Fault reports (tickets), their timeline, and service ratings.

create table tickets (
    id bigint generated always as identity primary key,
    -- what the customer reads out on the phone; random, so it tells nothing about volumes
    number text not null unique check (number ~ '^[2-9A-HJ-KM-NP-Z]{8}$'),
    customer_id bigint not null references customers,
    reported_by bigint not null references users,
    category text not null check (category in ('no_power', 'area_dark', 'flicker', 'hazard', 'meter', 'other')),
    urgent boolean not null,
    description text not null check (char_length(description) <= 500),
    address text not null check (char_length(address) between 1 and 200),
    contact_phone text not null check (contact_phone ~ '^1[3-9][0-9]{9}$'),
    latitude double precision check (latitude between -90 and 90),
    longitude double precision check (longitude between -180 and 180),
    status text not null default 'submitted'
        check (status in ('submitted', 'accepted', 'dispatched', 'on_site', 'restored', 'closed', 'cancelled',
                          'reopened', 'merged')),
    -- a duplicate merged into another ticket follows that one's repair
    merged_into bigint references tickets,
    -- the area type at the time of the report decides the published deadlines
    area_type text not null check (area_type in ('urban', 'township', 'remote')),
    reported_at timestamptz not null default now(),
    arrive_by timestamptz not null,
    arrived_at timestamptz,
    restore_by timestamptz,
    restored_at timestamptz,
    closed_at timestamptz,
    crew_name text check (char_length(crew_name) <= 50),
    crew_phone text check (crew_phone ~ '^1[3-9][0-9]{9}$'),
    estimated_restoration timestamptz,
    -- the one-time key the report form carried: a retried submission finds this row
    submission_key uuid not null unique,
    -- a hazard is always urgent
    check (category <> 'hazard' or urgent),
    check ((status = 'merged') = (merged_into is not null)),
    check (merged_into <> id)
);
create index tickets_open_by_customer on tickets (customer_id) where status not in ('closed', 'cancelled', 'merged');
create index tickets_merged_into on tickets (merged_into) where merged_into is not null;
create index tickets_by_customer on tickets (customer_id, reported_at desc);

-- Every step of a ticket, in order: status changes, messages, internal notes.
create table ticket_events (
    id bigint generated always as identity primary key,
    ticket_id bigint not null references tickets on delete cascade,
    at timestamptz not null default now(),
    actor_id bigint references users,
    kind text not null check (kind in ('reported', 'status', 'message', 'note', 'estimate', 'merged_from')),
    status text,
    body text check (char_length(body) <= 1000),
    -- internal notes never reach the customer, by any path
    internal boolean not null default false,
    check ((kind = 'note') = internal)
);
create index ticket_events_by_ticket on ticket_events (ticket_id, id);

create table ratings (
    ticket_id bigint primary key references tickets,
    rated_by bigint not null references users,
    overall smallint not null check (overall between 1 and 5),
    speed smallint not null check (speed between 1 and 5),
    attitude smallint not null check (attitude between 1 and 5),
    professionalism smallint not null check (professionalism between 1 and 5),
    comment text check (char_length(comment) <= 500),
    rated_at timestamptz not null default now()
);

-- A follow-up call (回访) a supervisor owes a customer after a low rating.
create table follow_ups (
    id bigint generated always as identity primary key,
    ticket_id bigint not null unique references tickets,
    created_at timestamptz not null default now(),
    closed_at timestamptz,
    closed_by bigint references users,
    note text check (char_length(note) <= 1000),
    check ((closed_at is null) = (closed_by is null))
);
