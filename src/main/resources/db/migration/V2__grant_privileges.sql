-- Dataverse's privileged headers (skip business logic, skip Power Automate flows) need a grant
-- permission of their own: space-separated privilege names, null = none.
alter table grants add column privileges varchar(256);
