-- The outages touching the area of each customer account, with who holds the account (a
-- household's user, or a company). Two readers: a customer's outage list, and the header's
-- banner, which every signed-in page reads in the same query as its session (#12). One
-- definition, so the two never disagree about whose outage it is.
create view customer_area_outages as
select c.user_id, c.company_id, o.id as outage_id, o.status, o.restored_at
from customers c
join outage_areas oa on oa.area_id = c.area_id
join outages o on o.id = oa.outage_id;
