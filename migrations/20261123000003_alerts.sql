-- In-portal notifications, and who supervises a ticket's follow-ups.

create table notifications (
    id bigint generated always as identity primary key,
    user_id bigint not null references users,
    kind text not null check (kind in ('deadline_at_risk', 'deadline_missed', 'follow_up', 'merged')),
    ticket_id bigint not null references tickets,
    created_at timestamptz not null default now(),
    read_at timestamptz,
    -- one notification per event and person, however many processes notice the event
    dedupe_key text not null unique
);
create index notifications_unread on notifications (user_id, created_at desc) where read_at is null;
create index tickets_waiting_on_deadline on tickets (arrive_by, restore_by) where status not in ('restored', 'closed', 'cancelled', 'merged');
create index tickets_restored on tickets (restored_at) where status = 'restored';
