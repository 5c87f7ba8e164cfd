"""End every chain that has rows with a signed event, so that every chain ends in a signed row.

Rows written before the chain was signed stay as they are (audit rows are never changed): the
signed `audit.chain_signed` event appended here carries the last of their hashes, so changing any
of them breaks it. From here on verify_audit_chain requires each chain's last row to be signed,
and refuses an unsigned row after a signed one. The key is the settings' AUDIT_KEY.
"""

import datetime as dt

from django.db import migrations

from clinic.audit.chain import SIGNED_FIELDS, configured_key, event_hash


def sign_every_chain(apps, schema_editor):
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    key = configured_key()
    now = dt.datetime.now(dt.UTC)  # noqa: TID251 - a migration runs once, at the moment it runs
    for head in AuditChainHead.objects.select_for_update().order_by("chain"):
        last = AuditEvent.objects.filter(chain=head.chain, seq=head.seq).first()
        if last is None or last.key_id:
            continue
        event = AuditEvent(
            chain=head.chain, seq=head.seq + 1, prev_hash=head.last_hash, occurred_at=now,
            actor_kind="system", actor_id=None, actor_label="migrate", role="", site_id=None,
            action="audit.chain_signed", object_type="", object_id="", changed_fields=[],
            data={"unsigned_rows": head.seq, "key_id": key.fingerprint}, request_id="", ip=None,
            key_id=key.fingerprint,
        )
        event.hash = event_hash(prev_hash=event.prev_hash, fields={name: getattr(event, name) for name in SIGNED_FIELDS},
                                patient_ids=[], key=key)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditevent_key_id")]

    # Audit rows are never removed, so going back leaves the signed event in place.
    operations = [migrations.RunPython(sign_every_chain, migrations.RunPython.noop)]
