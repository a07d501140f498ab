-- Outages (planned, temporary, fault), the places people search for them, who follows them,
-- large customers' consultations, and notifications that reach people beyond the portal.

-- Streets, villages and estates in each service area: what the public look-up searches, so
-- nobody's account or address is exposed to people who are not signed in.
create extension if not exists pg_trgm;
create table area_places (
    id bigint generated always as identity primary key,
    area_id bigint not null references service_areas,
    name text not null check (char_length(name) between 1 and 100),
    unique (area_id, name)
);
create index area_places_name on area_places using gin (name gin_trgm_ops);
create index service_areas_name_zh on service_areas using gin (name_zh gin_trgm_ops);
create index service_areas_name_en on service_areas using gin (lower(name_en) gin_trgm_ops);

create table outages (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('planned', 'temporary', 'fault')),
    reason text not null check (char_length(reason) between 1 and 200),
    public_note text not null default '' check (char_length(public_note) <= 500),
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    estimated_restoration timestamptz,
    status text not null default 'scheduled'
        check (status in ('scheduled', 'in_progress', 'restored', 'cancelled')),
    -- set when the window was moved after publication
    rescheduled_at timestamptz,
    published_by bigint not null references users,
    published_at timestamptz not null default now(),
    -- a supervisor's recorded reason for publishing with less notice than the commitment
    late_notice_reason text check (char_length(late_notice_reason) between 1 and 200),
    started_at timestamptz,
    restored_at timestamptz,
    submission_key uuid not null unique,
    check (ends_at > starts_at),
    check ((status = 'restored') = (restored_at is not null))
);
create index outages_live on outages (starts_at) where status in ('scheduled', 'in_progress');
create index outages_restored on outages (restored_at) where status = 'restored';

create table outage_areas (
    outage_id bigint not null references outages on delete cascade,
    area_id bigint not null references service_areas,
    primary key (outage_id, area_id)
);
create index outage_areas_by_area on outage_areas (area_id, outage_id);

-- The outage's own timeline: publication, start, estimate changes, restoration, reminders.
create table outage_events (
    id bigint generated always as identity primary key,
    outage_id bigint not null references outages on delete cascade,
    at timestamptz not null default now(),
    actor_id bigint references users,
    kind text not null check (kind in ('published', 'reminder_7d', 'reminder_1d', 'started', 'estimate_changed',
                                       'restored', 'cancelled', 'rescheduled')),
    -- for reminders: which start they were about, so a moved outage is reminded again
    about timestamptz,
    unique (outage_id, kind, about)
);

-- Customers who chose to follow an outage instead of reporting a fault already known.
create table outage_followers (
    outage_id bigint not null references outages on delete cascade,
    user_id bigint not null references users,
    followed_at timestamptz not null default now(),
    primary key (outage_id, user_id)
);

-- Storms: fault reports linked to the fault outage that explains them.
alter table tickets add column outage_id bigint references outages;
create index tickets_by_outage on tickets (outage_id) where outage_id is not null;
create index tickets_open_recent on tickets (reported_at) where status in ('submitted', 'accepted') and outage_id is null;

-- Large customers are consulted about planned outages touching their sites.
create table consultations (
    id bigint generated always as identity primary key,
    outage_id bigint not null references outages on delete cascade,
    customer_id bigint not null references customers,
    status text not null default 'open' check (status in ('open', 'acknowledged', 'change_requested', 'answered')),
    created_at timestamptz not null default now(),
    unique (outage_id, customer_id)
);
create table consultation_messages (
    id bigint generated always as identity primary key,
    consultation_id bigint not null references consultations on delete cascade,
    author_id bigint not null references users,
    at timestamptz not null default now(),
    kind text not null check (kind in ('acknowledge', 'change_request', 'answer')),
    body text not null default '' check (char_length(body) <= 500)
);
create index consultation_messages_by_consultation on consultation_messages (consultation_id, id);

-- Notifications now come from tickets or outages (or consultations, which belong to an outage).
alter table notifications alter column ticket_id drop not null;
alter table notifications add column outage_id bigint references outages;
alter table notifications add constraint notifications_one_subject check ((ticket_id is null) <> (outage_id is null));
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check check (kind in (
    'deadline_at_risk', 'deadline_missed', 'follow_up', 'merged',
    'ticket_update', 'ticket_reply', 'ticket_linked',
    'outage_published', 'outage_reminder_7d', 'outage_reminder_1d', 'outage_started', 'outage_estimate_changed',
    'outage_restored', 'outage_cancelled', 'outage_rescheduled',
    'consultation_request', 'consultation_answer'));

-- How each person wants to hear beyond the portal.
create table contact_preferences (
    user_id bigint primary key references users on delete cascade,
    sms boolean not null default true,
    email text check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and char_length(email) <= 100),
    -- local time of day; from = to means no quiet hours
    quiet_from time,
    quiet_to time,
    check ((quiet_from is null) = (quiet_to is null))
);

-- The delivery queue: one row per notification and channel, claimed with SKIP LOCKED so two
-- server processes never send the same one.
create table deliveries (
    id bigint generated always as identity primary key,
    notification_id bigint not null references notifications on delete cascade,
    channel text not null check (channel in ('sms', 'email')),
    address text not null,
    status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    attempts int not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    sent_at timestamptz,
    unique (notification_id, channel)
);
create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';
