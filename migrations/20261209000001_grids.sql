-- Grids (网格), service classes that decide which grade may serve whom, trainees' mentors, and
-- batches of reassignment (a balancing, a hand-over, a temporary cover) with their history.

-- What a customer's service class is read from: large sites by their contracted capacity, the
-- households a supervisor marks as key customers (life-support equipment, a clinic at home).
alter table customers add column contracted_kva integer check (contracted_kva between 1 and 1000000);
alter table customers add column key_customer boolean not null default false;
alter table customers add constraint customers_kva_for_large_sites check (contracted_kva is null or customer_group = 'large');
-- The class, derived here by the rule `domain::service_class` states (a test holds them equal).
alter table customers add column service_class text not null generated always as (
    case when customer_group = 'large' then
             case when coalesce(contracted_kva, 0) >= 10000 then 'large_major' else 'large' end
         when key_customer then 'key'
         else 'ordinary' end) stored;

-- The lowest grade each class needs: the same table as `managers::model::CLASS_GRADES`
-- (a test compares them), read by the checks below.
create table service_class_grades (
    class text primary key check (class in ('large_major', 'large', 'key', 'ordinary')),
    min_grade text not null check (min_grade in ('senior', 'first', 'second', 'trainee'))
);
insert into service_class_grades values
    ('large_major', 'senior'), ('large', 'first'), ('key', 'second'), ('ordinary', 'trainee');

create function grade_rank(grade text) returns int language sql immutable parallel safe
    return array_position(array['trainee', 'second', 'first', 'senior'], grade);

-- A trainee serves only under a named mentor of the same tier, who is not a trainee.
alter table managers add column mentor_id bigint references managers;
alter table managers add constraint managers_mentor_only_for_trainees check (mentor_id is null or grade = 'trainee');
alter table managers add constraint managers_not_own_mentor check (mentor_id <> id);

-- Whether this manager may serve this customer now: grade high enough for the class, and a
-- trainee only with a mentor.
create function assignment_fits(customer bigint, manager bigint) returns boolean language sql stable
    return (select grade_rank(m.grade) >= grade_rank(g.min_grade) and (m.grade <> 'trainee' or m.mentor_id is not null)
            from customers c join service_class_grades g on g.class = c.service_class, managers m
            where c.id = customer and m.id = manager);

create function assignment_fits_grade() returns trigger language plpgsql as $$
begin
    if new.ended_at is null and not assignment_fits(new.customer_id, new.manager_id) then
        raise exception 'manager % may not serve customer %', new.manager_id, new.customer_id
            using errcode = 'check_violation', constraint = 'assignments_fit_grade';
    end if;
    return new;
end
$$;
create trigger assignments_fit_grade before insert on manager_assignments
    for each row execute function assignment_fits_grade();

-- A grade step down, a mentor taken away or a class raised may not leave a customer with a
-- manager who may no longer serve them: move those customers first.
create function customers_still_fit() returns trigger language plpgsql as $$
begin
    if exists (select 1 from manager_assignments ma
               where ma.ended_at is null
                 and (case when tg_table_name = 'managers' then ma.manager_id = new.id else ma.customer_id = new.id end)
                 and not assignment_fits(ma.customer_id, ma.manager_id)) then
        raise exception 'a current assignment no longer fits the grade rule'
            using errcode = 'check_violation', constraint = 'assignments_fit_grade';
    end if;
    return new;
end
$$;
create trigger managers_keep_fitting after update of grade, mentor_id on managers
    for each row execute function customers_still_fit();
create trigger customers_keep_fitting after update of key_customer, contracted_kva on customers
    for each row execute function customers_still_fit();

-- Grids: a set of service areas (community and area tiers) or of companies (the member tier),
-- served by named managers of the tier. Closed grids (merged away) stay for history.
create table grids (
    id bigint generated always as identity primary key,
    tier text not null check (tier in ('member', 'community', 'area')),
    name text not null check (length(name) between 1 and 40),
    created_at timestamptz not null default now(),
    closed_at timestamptz,
    unique (id, tier)
);
create unique index grids_current_name on grids (name) where closed_at is null;

-- What a grid covers, with history: an area, or for the member tier a company.
create table grid_coverage (
    id bigint generated always as identity primary key,
    grid_id bigint not null,
    tier text not null,
    area_id bigint references service_areas,
    company_id bigint references companies,
    since timestamptz not null default now(),
    until timestamptz,
    foreign key (grid_id, tier) references grids (id, tier),
    check (num_nonnulls(area_id, company_id) = 1),
    check ((tier = 'member') = (company_id is not null)),
    check (until is null or until >= since)
);
create unique index grid_coverage_current_area on grid_coverage (tier, area_id) where until is null and area_id is not null;
create unique index grid_coverage_current_company on grid_coverage (company_id) where until is null and company_id is not null;
create index grid_coverage_by_grid on grid_coverage (grid_id) where until is null;

-- The managers who serve a grid, with history; a manager serves one grid at a time.
create table grid_managers (
    id bigint generated always as identity primary key,
    grid_id bigint not null,
    tier text not null,
    manager_id bigint not null,
    since timestamptz not null default now(),
    until timestamptz,
    foreign key (grid_id, tier) references grids (id, tier),
    foreign key (manager_id, tier) references managers (id, tier),
    check (until is null or until >= since)
);
create unique index grid_managers_current on grid_managers (manager_id) where until is null;
create index grid_managers_by_grid on grid_managers (grid_id) where until is null;

-- A grid's own history: created, renamed, merged, split; who and when.
create table grid_events (
    id bigint generated always as identity primary key,
    grid_id bigint not null references grids,
    kind text not null check (kind in ('created', 'renamed', 'merged_into', 'merged_from', 'split_from', 'split_into',
                                       'covered', 'manager_joined', 'manager_left')),
    -- a name, or the other grid's name
    detail text,
    by_user bigint not null references users,
    at timestamptz not null default now()
);
create index grid_events_by_grid on grid_events (grid_id, at desc);

-- A batch of reassignments made in one step: a balancing, a hand-over of a leaving manager's
-- customers, or a temporary cover that hands them back on `returns_on`.
create table reassignments (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('balance', 'hand_over', 'cover')),
    -- the manager whose customers were handed over or covered
    from_manager_id bigint references managers,
    -- a cover's last day (utility date): the sweep hands the customers back the day after
    returns_on date,
    returned_at timestamptz,
    made_by bigint not null references users,
    made_at timestamptz not null default now(),
    submission_key uuid not null unique,
    check ((kind = 'cover') = (returns_on is not null)),
    check ((kind = 'balance') = (from_manager_id is null)),
    check (returned_at is null or kind = 'cover')
);
create index reassignments_covers_due on reassignments (returns_on) where kind = 'cover' and returned_at is null;
alter table manager_assignments add column reassignment_id bigint references reassignments;
create index assignments_by_reassignment on manager_assignments (reassignment_id) where reassignment_id is not null;

-- A customer is told when their manager changes: a notification with no case or outage.
alter table notifications drop constraint notifications_one_subject;
alter table notifications add constraint notifications_one_subject check (num_nonnulls(case_id, outage_id) <= 1);
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check check (kind in (
    'deadline_at_risk', 'deadline_missed', 'follow_up', 'merged',
    'ticket_update', 'ticket_reply', 'ticket_linked',
    'outage_published', 'outage_reminder_7d', 'outage_reminder_1d', 'outage_started', 'outage_estimate_changed',
    'outage_restored', 'outage_cancelled', 'outage_rescheduled',
    'consultation_request', 'consultation_answer',
    'work_order_done', 'work_order_returned', 'work_order_question', 'work_order_answer', 'work_order_new',
    'application_submitted', 'application_documents_requested', 'application_step',
    'complaint_received', 'complaint_about_you', 'complaint_contacted', 'complaint_replied', 'complaint_review',
    'manager_changed'));

-- Open cases follow their customer to the new manager: the timeline says so.
alter table case_events drop constraint case_events_kind_check;
alter table case_events add constraint case_events_kind_check
    check (kind in ('reported', 'status', 'message', 'note', 'estimate', 'merged_from', 'attachments', 'manager_changed'));

-- Exports of lists (a grid's customers, the scorecards): what was exported, by whom, when and
-- how many customers it named. Personal data in them is masked; the export itself is
-- recorded as an opening is, and kept as written.
create table archive_exports (
    id bigint generated always as identity primary key,
    reader_id bigint not null references users,
    list text not null check (list in ('grid_customers', 'scorecards')),
    -- what the list was of: a grid's name, a tier and period
    scope text not null check (length(scope) between 1 and 100),
    customers integer not null check (customers >= 0),
    at timestamptz not null default now()
);
create index archive_exports_by_time on archive_exports (at desc);
create trigger archive_exports_are_kept before update or delete on archive_exports
    for each row execute function archive_readings_are_kept();
