-- What the manager's service record and the supervisors' scorecards read: facts per case,
-- as views over the features' tables, so reporting never reads those tables itself.

-- One row per fault ticket (not merged away): the manager who served the customer when it
-- was reported, whether the crew arrived and power was back within the commitments, the
-- customer's rating, and when staff first answered on it.
create view ticket_service_facts as
select c.id as case_id, m.id as manager_id, m.user_id as manager_user_id, c.opened_at,
       t.restored_at,
       t.restored_at is not null and t.arrived_at <= t.arrive_by and t.restored_at <= t.restore_by
           as within_commitment,
       r.overall, r.speed, r.attitude, r.professionalism, r.rated_at,
       (select min(e.at) from case_events e join users u on u.id = e.actor_id
        where e.case_id = c.id and e.kind in ('status', 'message')
          and u.role in ('manager', 'department', 'supervisor')) as first_reply_at
from cases c
join tickets t on t.id = c.id
join manager_assignments ma on ma.customer_id = c.customer_id and ma.assigned_at <= c.opened_at
     and (ma.ended_at is null or ma.ended_at > c.opened_at)
join managers m on m.id = ma.manager_id
left join ratings r on r.ticket_id = t.id
where c.kind = 'ticket' and c.merged_into is null;

-- One row per complaint that has a finding: the manager it concerns, the category, and the
-- finding of its latest replied round (a review's finding replaces the first), with whether
-- it counts against the manager (upheld, wholly or in part): said once, here.
create view complaint_outcomes as
select k.id as case_id, k.manager_user_id, k.category, r.finding, r.finding in ('upheld', 'partly_upheld') as upheld,
       r.replied_at
from complaints k
join complaint_rounds r on r.complaint_id = k.id and r.replied_at is not null
where not exists (select 1 from complaint_rounds later
                  where later.complaint_id = k.id and later.round > r.round and later.replied_at is not null);
