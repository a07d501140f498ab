-- 1+N: the manager hands part of a case (or work of its own for one of their customers) to a
-- back-office department as a work order, a case kind of its own; the department works it and
-- reports back through the manager.

alter table cases drop constraint cases_kind_check;
alter table cases add constraint cases_kind_check check (kind in ('ticket', 'work_order'));
-- A case may be part of another (a work order of a fault ticket): the larger case's pages hear
-- of changes to its parts.
alter table cases add column part_of bigint references cases;
alter table cases add constraint cases_part_of_other check (part_of <> id);
create index cases_parts on cases (part_of) where part_of is not null;

create table work_orders (
    id bigint primary key references cases on delete cascade,
    department_id bigint not null references departments,
    -- the kind of work, with its department and time limit as data in the Rust model
    work_kind text not null check (work_kind in (
        'meter_check', 'meter_installation', 'bill_correction', 'line_repair',
        'site_survey', 'supply_plan', 'design_review', 'inspection')),
    ask text not null check (length(ask) between 1 and 1000),
    -- department staff see the customer's phone only when asked to call
    call_customer boolean not null default false,
    state text not null default 'open'
        check (state in ('open', 'taken', 'asked', 'done', 'returned', 'cancelled')),
    handed_by bigint not null references users,
    taken_by bigint references users,
    -- the result: a line the customer may read, and details for staff
    customer_line text check (length(customer_line) between 1 and 200),
    details text check (length(details) <= 2000),
    return_reason text check (length(return_reason) between 1 and 500),
    finished_at timestamptz,
    check ((state in ('taken', 'asked', 'done')) <= (taken_by is not null)),
    check ((state = 'done') = (customer_line is not null)),
    check ((state = 'returned') = (return_reason is not null)),
    check ((state in ('done', 'returned', 'cancelled')) = (finished_at is not null))
);
create index work_orders_by_department on work_orders (department_id, state);

-- Days that break the Monday-to-Friday rule: public holidays on weekdays (not working) and the
-- weekend days worked in exchange (working). Due dates count working days over this table.
create table calendar_days (
    day date primary key,
    working boolean not null,
    name_zh text not null check (length(name_zh) between 1 and 50),
    name_en text not null check (length(name_en) between 1 and 50),
    check (working = (extract(isodow from day) >= 6))
);

-- The State Council's schedule for 2026, and the one expected for 2027 (supervisors correct
-- it once published).
insert into calendar_days (day, working, name_zh, name_en)
select d::date, false, h.zh, h.en
from (values
    ('2026-01-01', '2026-01-02', '元旦', 'New Year'),
    ('2026-02-16', '2026-02-20', '春节', 'Spring Festival'),
    ('2026-02-23', '2026-02-23', '春节', 'Spring Festival'),
    ('2026-04-06', '2026-04-06', '清明节', 'Qingming'),
    ('2026-05-01', '2026-05-01', '劳动节', 'Labour Day'),
    ('2026-05-04', '2026-05-05', '劳动节', 'Labour Day'),
    ('2026-06-19', '2026-06-19', '端午节', 'Dragon Boat Festival'),
    ('2026-09-25', '2026-09-25', '中秋节', 'Mid-Autumn Festival'),
    ('2026-10-01', '2026-10-02', '国庆节', 'National Day'),
    ('2026-10-05', '2026-10-07', '国庆节', 'National Day'),
    ('2027-01-01', '2027-01-01', '元旦', 'New Year'),
    ('2027-02-05', '2027-02-05', '春节', 'Spring Festival'),
    ('2027-02-08', '2027-02-11', '春节', 'Spring Festival'),
    ('2027-04-05', '2027-04-05', '清明节', 'Qingming'),
    ('2027-05-03', '2027-05-05', '劳动节', 'Labour Day'),
    ('2027-06-09', '2027-06-09', '端午节', 'Dragon Boat Festival'),
    ('2027-09-15', '2027-09-15', '中秋节', 'Mid-Autumn Festival'),
    ('2027-10-01', '2027-10-01', '国庆节', 'National Day'),
    ('2027-10-04', '2027-10-07', '国庆节', 'National Day')
) as h(first, last, zh, en),
generate_series(h.first::date, h.last::date, interval '1 day') d
where extract(isodow from d) < 6;

insert into calendar_days (day, working, name_zh, name_en) values
    ('2026-01-04', true, '元旦调休', 'New Year make-up day'),
    ('2026-02-14', true, '春节调休', 'Spring Festival make-up day'),
    ('2026-02-28', true, '春节调休', 'Spring Festival make-up day'),
    ('2026-05-09', true, '劳动节调休', 'Labour Day make-up day'),
    ('2026-09-20', true, '国庆节调休', 'National Day make-up day'),
    ('2026-10-10', true, '国庆节调休', 'National Day make-up day'),
    ('2027-02-20', true, '春节调休', 'Spring Festival make-up day'),
    ('2027-04-25', true, '劳动节调休', 'Labour Day make-up day'),
    ('2027-09-26', true, '国庆节调休', 'National Day make-up day'),
    ('2027-10-09', true, '国庆节调休', 'National Day make-up day');

alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check check (kind in (
    'deadline_at_risk', 'deadline_missed', 'follow_up', 'merged',
    'ticket_update', 'ticket_reply', 'ticket_linked',
    'outage_published', 'outage_reminder_7d', 'outage_reminder_1d', 'outage_started', 'outage_estimate_changed',
    'outage_restored', 'outage_cancelled', 'outage_rescheduled',
    'consultation_request', 'consultation_answer',
    'work_order_done', 'work_order_returned', 'work_order_question', 'work_order_answer'));
