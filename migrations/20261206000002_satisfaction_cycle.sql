-- The satisfaction cycle (seed 002: assess, act, improve). Survey results are customers'
-- ratings of repairs, by the tier of the manager who served them and the customer's area;
-- supervisors record improvement actions against a weak dimension and see the next period's
-- figures beside them.

create view satisfaction_facts as
select f.case_id, m.tier, cu.area_id, f.rated_at, f.overall, f.speed, f.attitude, f.professionalism
from ticket_facts f
join managers m on m.id = f.manager_id
join cases c on c.id = f.case_id
join customers cu on cu.id = c.customer_id
where f.overall is not null;

create table improvement_actions (
    id bigint generated always as identity primary key,
    -- the period whose figures called for it
    period_kind text not null check (period_kind in ('month', 'quarter', 'year')),
    period_start date not null,
    tier text not null check (tier in ('member', 'community', 'area')),
    -- one area of the tier, or (null) the whole tier
    area_id bigint references service_areas,
    dimension text not null check (dimension in ('overall', 'speed', 'attitude', 'professionalism')),
    action text not null check (length(action) between 1 and 500),
    -- who answers for it: a person, a team or a department, as the supervisor names them
    owner text not null check (length(owner) between 1 and 100),
    due_on date not null,
    done_at timestamptz,
    recorded_by bigint not null references users,
    recorded_at timestamptz not null default now(),
    -- the form's one-time key: a retried submission finds this row
    submission_key uuid not null unique
);
create index improvement_actions_by_period on improvement_actions (tier, period_kind, period_start);



-- The lists behind a scorecard's figures name each case by the number people read out.
create view case_numbers as
select id as case_id, kind, number from cases;
