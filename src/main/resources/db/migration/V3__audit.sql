-- The admin audit trail (README "Audit trail"): one row per admin change, written in the same
-- transaction as the change. Never a secret: `changes` holds non-secret field values and, for
-- secret fields, only {"changed":true} or has* booleans.
-- Append-only: rows are never updated (the trigger below refuses it). Nothing deletes rows
-- automatically; an operator prunes with e.g. `delete from audit_events where at < now() - ...`.

create table audit_events (
    id         bigint       generated always as identity primary key,
    at         timestamptz  not null,
    principal  varchar(256) not null,
    action     varchar(32)  not null
        check (action in ('connection.create', 'connection.update', 'connection.delete',
                          'credential.replace', 'grant.put', 'grant.delete', 'apikey.create',
                          'apikey.revoke', 'consent.complete', 'tokens.drop', 'keys.rotate')),
    target     varchar(400) not null,
    request_id varchar(128),
    changes    jsonb        not null default '{}'::jsonb
);

-- newest first, keyset on (at, id); each filter with the same order so a filtered page is one
-- index range
create index audit_events_newest on audit_events (at desc, id desc);
create index audit_events_by_target on audit_events (target, at desc, id desc);
create index audit_events_by_principal on audit_events (principal, at desc, id desc);

create function audit_events_refuse_update() returns trigger language plpgsql as $$
begin
    raise exception 'audit_events is append-only';
end;
$$;

create trigger audit_events_append_only before update on audit_events
    for each row execute function audit_events_refuse_update();
