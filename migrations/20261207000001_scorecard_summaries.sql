-- What the supervisor's scorecard page reads besides its lines, kept small as history grows
-- (`make bench-scorecards`): the repairs' figures per manager and month for the charts, and
-- each complaint's standing finding on the complaint itself for the categories.

-- The month (its first day) an instant falls in, in the utility's time (`time::UTILITY_TIME_ZONE`).
create function utility_month(at timestamptz) returns date language sql immutable parallel safe
    return date_trunc('month', at at time zone 'Asia/Shanghai')::date;

-- Sums and counts, not averages, so a change to a repair's facts adds its difference.
create table ticket_months (
    manager_id bigint not null references managers,
    month date not null check (extract(day from month) = 1),
    ratings bigint not null,
    overall_sum bigint not null,
    speed_sum bigint not null,
    attitude_sum bigint not null,
    professionalism_sum bigint not null,
    repairs bigint not null,
    within bigint not null,
    primary key (manager_id, month)
);

-- Adds the facts in `added` and takes away those in `removed` (the rows a statement on
-- ticket_facts wrote and replaced), a month at a time in key order so two at once do not
-- deadlock.
create function add_ticket_months(added ticket_facts[], removed ticket_facts[]) returns void language sql as $$
    insert into ticket_months as t
    select p.manager_id, p.month, sum(p.ratings * d.sign), sum(p.overall * d.sign), sum(p.speed * d.sign),
           sum(p.attitude * d.sign), sum(p.professionalism * d.sign), sum(p.repairs * d.sign), sum(p.within * d.sign)
    from (select f, 1 as sign from unnest(added) f union all select f, -1 from unnest(removed) f) d
    cross join lateral (
        select utility_month((d.f).opened_at) as month, (d.f).manager_id,
               ((d.f).overall is not null)::int as ratings, coalesce((d.f).overall, 0) as overall,
               coalesce((d.f).speed, 0) as speed, coalesce((d.f).attitude, 0) as attitude,
               coalesce((d.f).professionalism, 0) as professionalism, ((d.f).restored_at is not null)::int as repairs,
               coalesce((d.f).within_commitment, false)::int as within) p
    group by p.manager_id, p.month
    order by p.manager_id, p.month
    on conflict (manager_id, month) do update set
        ratings = t.ratings + excluded.ratings, overall_sum = t.overall_sum + excluded.overall_sum,
        speed_sum = t.speed_sum + excluded.speed_sum, attitude_sum = t.attitude_sum + excluded.attitude_sum,
        professionalism_sum = t.professionalism_sum + excluded.professionalism_sum,
        repairs = t.repairs + excluded.repairs, within = t.within + excluded.within
$$;

select add_ticket_months(array(select f from ticket_facts f where f.manager_id = m.id), '{}') from managers m;

create function ticket_months_inserted() returns trigger language plpgsql as $$
begin
    perform add_ticket_months(array(select row(n.*)::ticket_facts from added n), '{}');
    return null;
end $$;

create function ticket_months_updated() returns trigger language plpgsql as $$
begin
    perform add_ticket_months(array(select row(n.*)::ticket_facts from added n), array(select row(o.*)::ticket_facts from removed o));
    return null;
end $$;

create function ticket_months_deleted() returns trigger language plpgsql as $$
begin
    perform add_ticket_months('{}', array(select row(o.*)::ticket_facts from removed o));
    return null;
end $$;

create trigger ticket_months_insert after insert on ticket_facts
    referencing new table as added for each statement execute function ticket_months_inserted();
create trigger ticket_months_update after update on ticket_facts
    referencing old table as removed new table as added for each statement execute function ticket_months_updated();
create trigger ticket_months_delete after delete on ticket_facts
    referencing old table as removed for each statement execute function ticket_months_deleted();

-- A complaint's standing finding: its latest replied round's (a review's replaces the first).
alter table complaints add column finding text check (finding in ('upheld', 'partly_upheld', 'not_upheld')),
    add column replied_at timestamptz, add check ((finding is null) = (replied_at is null));
update complaints k set finding = o.finding, replied_at = o.replied_at from complaint_outcomes o where o.case_id = k.id;

create function complaint_finding() returns trigger language plpgsql as $$
begin
    update complaints set finding = new.finding, replied_at = new.replied_at
    where id = new.complaint_id and new.replied_at is not null
        and not exists (select 1 from complaint_rounds later
                        where later.complaint_id = new.complaint_id and later.round > new.round
                            and later.replied_at is not null);
    return null;
end $$;

create trigger complaint_finding after insert or update of replied_at, finding on complaint_rounds
    for each row execute function complaint_finding();

create or replace view complaint_outcomes as
select k.id as case_id, k.manager_user_id, k.category, k.finding, k.finding in ('upheld', 'partly_upheld') as upheld,
       k.replied_at
from complaints k
where k.finding is not null;

-- The complaints of a period, for the categories across a tier.
create index complaints_by_opened on cases (opened_at) where kind = 'complaint';

-- Complaints received, by the manager they concern, with the standing finding if any: only
-- complaint cases, so a period's complaints come through `complaints_by_opened`.
create or replace view complaint_facts as
select k.id as case_id, m.id as manager_id, k.category, c.opened_at, o.finding, o.upheld
from complaints k
join cases c on c.id = k.id and c.kind = 'complaint'
join managers m on m.user_id = k.manager_user_id
left join complaint_outcomes o on o.case_id = k.id;
