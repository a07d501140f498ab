-- The supervisors' scorecards read what the service record reads (ticket_service_facts,
-- complaint_outcomes) and these views of the features' tables; evaluations are kept here.

-- Every case as its manager's load: which manager serves its customer now, whether it is
-- still worked on and its deadline.
create view case_load_facts as
select c.id as case_id, c.kind, m.id as manager_id, c.open, c.due_at, c.opened_at
from cases c
join manager_assignments ma on ma.customer_id = c.customer_id and ma.ended_at is null
join managers m on m.id = ma.manager_id
where c.merged_into is null;

-- Follow-up calls after low ratings, by the manager who served the repair.
create view follow_up_facts as
select f.id, s.manager_id, f.created_at, f.closed_at
from follow_ups f join ticket_service_facts s on s.case_id = f.ticket_id;

-- Complaints received, by the manager they concern, with the latest finding if any.
create view complaint_facts as
select k.id as case_id, m.id as manager_id, k.category, c.opened_at, o.finding, o.upheld
from complaints k
join cases c on c.id = k.id
join managers m on m.user_id = k.manager_user_id
left join complaint_outcomes o on o.case_id = k.id;

-- The supervisor's periodic evaluation of a manager (seed 001, 004): one outcome per manager
-- and period, with a note and, for training, what training. Kept for the manager's history.
create table manager_evaluations (
    id bigint generated always as identity primary key,
    manager_id bigint not null references managers,
    period_kind text not null check (period_kind in ('month', 'quarter', 'year')),
    period_start date not null,
    outcome text not null check (outcome in (
        'commend', 'keep', 'training_needed', 'warning', 'reassign', 'promote', 'demote')),
    note text not null check (length(note) between 1 and 1000),
    training text check (length(training) between 1 and 200),
    recorded_by bigint not null references users,
    recorded_at timestamptz not null default now(),
    unique (manager_id, period_kind, period_start),
    check ((outcome = 'training_needed') = (training is not null))
);
