-- Photos customers and staff add to a ticket: checked by content on the way in.
create table ticket_photos (
    id bigint generated always as identity primary key,
    ticket_id bigint not null references tickets on delete cascade,
    uploaded_by bigint not null references users,
    uploaded_at timestamptz not null default now(),
    content_type text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    bytes bytea not null check (octet_length(bytes) between 1 and 5242880)
);
create index ticket_photos_by_ticket on ticket_photos (ticket_id, id);

alter table ticket_events drop constraint ticket_events_kind_check;
alter table ticket_events add constraint ticket_events_kind_check
    check (kind in ('reported', 'status', 'message', 'note', 'estimate', 'merged_from', 'photo'));
