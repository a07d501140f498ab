-- The customer archive's reading register (借阅登记, seed 002 article 5): staff see customers'
-- personal data masked, and each showing is recorded here with who, when, which customer,
-- which fields, why, and the case it was for.
create table archive_readings (
    -- opaque: the page that shows the data names the reading in its address
    id uuid primary key default gen_random_uuid(),
    reader_id bigint not null references users,
    customer_id bigint not null references customers,
    case_id bigint references cases,
    -- none, with no reason: a confidential archive opened without showing anything
    fields text[] not null check (fields <@ array['phone', 'address', 'contact_phone']),
    reason text check (reason in ('call_back', 'site_visit', 'billing', 'other')),
    note text check (length(note) between 1 and 200),
    -- whether the reader was the customer's own manager at the time: unusual reading counts
    -- the others
    own boolean not null,
    read_at timestamptz not null default now(),
    submission_key uuid not null unique,
    check (reason <> 'other' or note is not null),
    check ((cardinality(fields) = 0) = (reason is null))
);
create index archive_readings_by_customer on archive_readings (customer_id, read_at desc);
create index archive_readings_by_reader on archive_readings (reader_id, read_at desc);
create index archive_readings_by_time on archive_readings (read_at desc);

-- A large customer may have its archive marked confidential: only its member manager and the
-- supervisors open it, and every opening is recorded.
alter table companies add column confidential boolean not null default false;

-- A register that can be edited proves nothing: rows are only ever added.
create function archive_readings_are_kept() returns trigger language plpgsql as $$
begin
    raise exception 'archive readings are kept as written' using errcode = 'insufficient_privilege';
end
$$;
create trigger archive_readings_are_kept before update or delete on archive_readings
    for each row execute function archive_readings_are_kept();

-- The number a fault report gave to be reached on, for the archive's page to show when a
-- reading names the case (the archive reads it here, not from the tickets' own table).
create view case_contact_phones as
    select t.id as case_id, t.contact_phone from tickets t;

-- The utility's calendar day of an instant, as `utility_month` gives its month.
create function utility_day(at timestamptz) returns date language sql immutable parallel safe
    return (at at time zone 'Asia/Shanghai')::date;
