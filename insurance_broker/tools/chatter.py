"""Chatter notes for many records at once, through mail's own API."""

from odoo.tools.mail import generate_tracking_message_id


def log_tracked_change(records, field_name, old_values, subtype_key=None):
    """Log on each of ``records`` the note mail's tracking writes when
    ``field_name`` changes: "old → new", the record's tracking subtype
    (``_track_subtype``) and default body, the current value being the new
    one. ``old_values``: the old value of each record, by id (a record for a
    relational field).

    For the crons that change thousands of records with tracking disabled
    (``mail_notrack``): mail tracks record by record, a message_post each;
    here the notes are created in two batched creates, the messages and
    their tracking values. A record whose note would notify a follower gets
    ``message_post``, which notifies. A record mail already tracks in this
    transaction (created or changed in it) is left to mail, which logs the
    change, or nothing for a record created in it, when the transaction
    commits. Returns the records a note was written for.

    ``subtype_key``: for a model whose ``_track_subtype`` asks the database
    for each record (crm's checks that its subtype exists), a function of a
    record such that records with the same key and old value get the same
    subtype: it is then asked once per key."""
    env = records.env
    if not records or env.context.get("tracking_disable"):
        return records.browse()
    if field_name not in records._track_get_fields():
        return records.browse()
    # mail's pending tracking (mail.thread._track_prepare): those records'
    # change is logged by mail at commit.
    pending = env.cr.precommit.data.get(f"mail.tracking.{records._name}", {})
    records = records.browse([id_ for id_ in records._ids if id_ not in pending])
    if not records:
        return records
    col_info = records.fields_get(
        [field_name], attributes=("string", "type", "selection", "currency_field")
    )[field_name]
    Tracking = env["mail.tracking.value"]
    notes = []  # (record, subtype, body, tracking values)
    asked = {}  # the subtype by key
    for record in records:
        old = old_values[record.id]
        key = (old, subtype_key(record) if subtype_key else record.id)
        if key not in asked:
            asked[key] = record._track_subtype({field_name: old})
        notes.append(
            (
                record,
                asked[key],
                record._track_get_default_log_message({field_name}),
                Tracking._create_tracking_values(
                    old, record[field_name], field_name, col_info, record
                ),
            )
        )
    subtypes = env["mail.message.subtype"].union(
        *(note[1] for note in notes if note[1])
    )
    existing = subtypes.exists()
    notified = _records_notified(records, existing)
    logged = []
    for record, subtype, body, tracking in notes:
        if subtype and subtype not in existing:
            continue  # as mail: a deleted subtype posts nothing
        if subtype and record.id in notified.get(subtype.id, ()):
            record.message_post(
                body=body, subtype_id=subtype.id, tracking_value_ids=[(0, 0, tracking)]
            )
        else:
            logged.append((record, subtype, body, tracking))
    if logged:
        _log_notes(records, logged)
    return records


def _records_notified(records, subtypes):
    """By subtype id, the ids of ``records`` whose note of that subtype would
    notify someone (a follower of the subtype): mail's own recipient query,
    one per subtype."""
    Followers = records.env["mail.followers"]
    return {
        subtype.id: {
            res_id
            for res_id, recipients in Followers._get_recipient_data(
                records, "notification", subtype.id
            ).items()
            if recipients
        }
        for subtype in subtypes
        if subtype
    }


def _log_notes(records, notes):
    """The notes that notify nobody, as ``_message_log_batch`` writes them
    (an internal note, mail's author and reply-to) with each note's own
    subtype: one create of the messages, one of their tracking values."""
    env = records.env
    author_id, email_from = records._message_compute_author(raise_on_email=False)
    reply_to = env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
    note_subtype = env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
    # sudo: as _message_log_batch, which mail's tracking uses; the records
    # are those the caller was allowed to change.
    messages = records.sudo()._message_create(
        [
            {
                "author_id": author_id,
                "email_from": email_from,
                "model": records._name,
                "res_id": record.id,
                # not computed record by record (as _message_log_batch)
                "record_alias_domain_id": False,
                "record_company_id": False,
                "record_name": False,
                "message_type": "notification",
                "is_internal": True,
                "subtype_id": subtype.id if subtype else note_subtype,
                "body": body,
                "reply_to": reply_to,
                "email_add_signature": False,
                # the Message-Id message_post gives a message on a record
                "message_id": generate_tracking_message_id(
                    f"{record.id}-{records._name}"
                ),
            }
            for record, subtype, body, __ in notes
        ]
    )
    env["mail.tracking.value"].sudo().create(
        [
            dict(tracking, mail_message_id=message.id)
            for message, (__, __, __, tracking) in zip(messages, notes, strict=True)
        ]
    )
