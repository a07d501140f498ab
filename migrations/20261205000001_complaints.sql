-- Complaints (投诉): a case kind on the case core, handled by the supervisor of the manager it
-- concerns, never by that manager. The limits (contact within 24 hours, reply within 4
-- working days), the categories and the lifecycle are data and rules in the Rust model; these
-- tables keep where one complaint stands.

alter table cases drop constraint cases_kind_check;
alter table cases add constraint cases_kind_check
    check (kind in ('ticket', 'work_order', 'application', 'complaint'));
-- Who answers for a case when it is not the customer's manager and their supervisor (a
-- complaint's handler): the deadline sweep tells this person.
alter table cases add column handled_by bigint references users;

create table complaints (
    id bigint primary key references cases on delete cascade,
    category text not null check (category in (
        'service_attitude', 'business_handling', 'outage_reconnection', 'supply_quality', 'grid_construction',
        'other')),
    what_happened text not null check (length(what_happened) between 1 and 2000),
    -- the ticket or application it is about, when the customer named one
    concerns_case bigint references cases,
    -- the manager whose work it is about (the customer's manager when it was sent)
    manager_user_id bigint not null references users,
    -- 1 for the first handling; 2 once the customer asked for the one review
    round smallint not null default 1 check (round in (1, 2)),
    stage text not null default 'received' check (stage in ('received', 'contacted', 'replied', 'closed')),
    -- the manager's own account of what happened
    manager_account text check (length(manager_account) between 1 and 2000)
);
create index complaints_by_manager on complaints (manager_user_id);

-- Each round of handling: who handled it, the contact, the finding and reply, and the
-- customer's one rating of it. The first round stays as it was when a review follows.
create table complaint_rounds (
    complaint_id bigint not null references complaints on delete cascade,
    round smallint not null check (round in (1, 2)),
    handler_id bigint not null references users,
    -- the complaint sent, or the review asked for: the round's limits count from here
    started_at timestamptz not null,
    contacted_at timestamptz,
    contact_method text check (contact_method in ('phone', 'visit', 'portal')),
    finding text check (finding in ('upheld', 'partly_upheld', 'not_upheld')),
    finding_reason text check (length(finding_reason) between 1 and 1000),
    reply text check (length(reply) between 1 and 2000),
    replied_at timestamptz,
    satisfied boolean,
    rating_reason text check (length(rating_reason) between 1 and 1000),
    rated_at timestamptz,
    primary key (complaint_id, round),
    check ((contacted_at is null) = (contact_method is null)),
    check ((replied_at is null) = (finding is null) and (finding is null) = (reply is null)
           and (finding is null) = (finding_reason is null)),
    check (replied_at is null or contacted_at is not null),
    check ((rated_at is null) = (satisfied is null)),
    check (rated_at is null or replied_at is not null),
    check (satisfied or rating_reason is not null or satisfied is null)
);
create index complaint_rounds_by_handler on complaint_rounds (handler_id);

alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check check (kind in (
    'deadline_at_risk', 'deadline_missed', 'follow_up', 'merged',
    'ticket_update', 'ticket_reply', 'ticket_linked',
    'outage_published', 'outage_reminder_7d', 'outage_reminder_1d', 'outage_started', 'outage_estimate_changed',
    'outage_restored', 'outage_cancelled', 'outage_rescheduled',
    'consultation_request', 'consultation_answer',
    'work_order_done', 'work_order_returned', 'work_order_question', 'work_order_answer', 'work_order_new',
    'application_submitted', 'application_documents_requested', 'application_step',
    'complaint_received', 'complaint_about_you', 'complaint_contacted', 'complaint_replied', 'complaint_review'));
