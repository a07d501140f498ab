-- What a signed-in page's header shows of its viewer: who, the unread count, and the outages
-- under way or ahead in the areas of their accounts (#12). The header reads it in the same
-- query as the session when it is the first of the page's server functions to ask for the
-- session, and by user when another already has: one definition for both reads, so a page
-- reads its session once whichever asks first.
create view viewer_header as
select u.id as user_id, u.role, u.display_name, u.company_id,
       (select count(*) from notifications n where n.user_id = u.id and n.read_at is null) as unread,
       array(select distinct v.outage_id from customer_area_outages v
             where (v.user_id = case when u.role = 'customer' then u.id end
                    or v.company_id = case when u.role = 'large_contact' then u.company_id end)
               and v.status in ('scheduled', 'in_progress')) as live_outages
from users u;
