-- Who made an API key: the admin API ('admin', keys issued by the gateway) or declarative
-- provisioning ('provisioning', a hash from the provisioning file). Pruning revokes only the latter.
-- V4, not V3: V3 is the audit trail's migration, written in parallel.
alter table api_keys add column origin varchar(16) not null default 'admin'
    check (origin in ('admin', 'provisioning'));
