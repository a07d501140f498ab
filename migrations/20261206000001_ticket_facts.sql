-- The repairs' service facts kept as a table the database maintains, so the service record and
-- the scorecards read one manager's period through an index however long the history grows
-- (`make bench-scorecards`). `ticket_service_facts` stays their one definition: triggers on
-- every table behind it refresh the rows of the repairs a change touches, in the changing
-- transaction, so the figures are never stale.

-- A customer's assignments, current and past, by when they began: which manager served a
-- repair when it was reported.
create index assignments_by_customer on manager_assignments (customer_id, assigned_at);
-- The follow-up calls of a period.
create index follow_ups_by_created on follow_ups (created_at);

create table ticket_facts as select * from ticket_service_facts with no data;
alter table ticket_facts add primary key (case_id),
    add foreign key (case_id) references cases on delete cascade,
    alter column manager_id set not null, alter column manager_user_id set not null,
    alter column opened_at set not null;
-- with every figure a card or a scorecard line reads, so they come from the index alone
create index ticket_facts_by_manager on ticket_facts (manager_id, opened_at)
    include (restored_at, within_commitment, overall, speed, attitude, professionalism, first_reply_at);
insert into ticket_facts select * from ticket_service_facts;

-- Brings the facts of these repairs up to date. One refresh of a repair at a time: the lock on
-- its case makes a second refresh wait for the first to commit and then read what it wrote
-- (each statement here takes a new snapshot), so two changes at once never leave facts that
-- miss one of them.
create function refresh_ticket_facts(ids bigint[]) returns void language plpgsql as $$
begin
    if coalesce(cardinality(ids), 0) = 0 then
        return;
    end if;
    perform 1 from cases where id = any(ids) order by id for no key update;
    insert into ticket_facts select * from ticket_service_facts where case_id = any(ids)
    on conflict (case_id) do update set
        manager_id = excluded.manager_id, manager_user_id = excluded.manager_user_id,
        opened_at = excluded.opened_at, restored_at = excluded.restored_at,
        within_commitment = excluded.within_commitment, overall = excluded.overall, speed = excluded.speed,
        attitude = excluded.attitude, professionalism = excluded.professionalism, rated_at = excluded.rated_at,
        first_reply_at = excluded.first_reply_at;
    -- a repair merged into another, or no longer anyone's, leaves the facts
    delete from ticket_facts t where t.case_id = any(ids)
        and not exists (select 1 from ticket_service_facts f where f.case_id = t.case_id);
end $$;

-- One trigger function per way a table names its repair; statement-level, so a bulk change
-- refreshes its repairs together.
create function ticket_facts_by_id() returns trigger language plpgsql as $$
begin
    perform refresh_ticket_facts(array(select distinct id from changed));
    return null;
end $$;

create function ticket_facts_by_case() returns trigger language plpgsql as $$
begin
    perform refresh_ticket_facts(array(select distinct id from changed where kind = 'ticket'));
    return null;
end $$;

create function ticket_facts_by_ticket_id() returns trigger language plpgsql as $$
begin
    perform refresh_ticket_facts(array(select distinct ticket_id from changed));
    return null;
end $$;

create function ticket_facts_by_reply() returns trigger language plpgsql as $$
begin
    perform refresh_ticket_facts(array(select distinct case_id from changed where kind in ('status', 'message')));
    return null;
end $$;

create function ticket_facts_by_customer() returns trigger language plpgsql as $$
begin
    perform refresh_ticket_facts(array(
        select c.id from cases c where c.kind = 'ticket' and c.customer_id in (select customer_id from changed)));
    return null;
end $$;

create trigger ticket_facts_cases after update on cases
    referencing new table as changed for each statement execute function ticket_facts_by_case();
create trigger ticket_facts_tickets_insert after insert on tickets
    referencing new table as changed for each statement execute function ticket_facts_by_id();
create trigger ticket_facts_tickets_update after update on tickets
    referencing new table as changed for each statement execute function ticket_facts_by_id();
create trigger ticket_facts_ratings_insert after insert on ratings
    referencing new table as changed for each statement execute function ticket_facts_by_ticket_id();
create trigger ticket_facts_ratings_update after update on ratings
    referencing new table as changed for each statement execute function ticket_facts_by_ticket_id();
create trigger ticket_facts_events after insert on case_events
    referencing new table as changed for each statement execute function ticket_facts_by_reply();
create trigger ticket_facts_assignments_insert after insert on manager_assignments
    referencing new table as changed for each statement execute function ticket_facts_by_customer();
create trigger ticket_facts_assignments_update after update on manager_assignments
    referencing new table as changed for each statement execute function ticket_facts_by_customer();

-- The follow-up calls by the manager who served the repair, read from the kept facts, with the
-- repair each follows (for the list behind the scorecard's figure).
create or replace view follow_up_facts as
select f.id, s.manager_id, f.created_at, f.closed_at, f.ticket_id as case_id
from follow_ups f join ticket_facts s on s.case_id = f.ticket_id;
