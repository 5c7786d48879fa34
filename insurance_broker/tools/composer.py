"""The "Send by Email" button of the suite's documents."""

# The salesperson's signature under the message, as Sales sends a quotation.
RESPONSIBLE_LAYOUT = "mail.mail_notification_layout_with_responsible_signature"


def composer_action(
    records, name, template_xmlid, layout=RESPONSIBLE_LAYOUT, **context
):
    """The action opening mail's composer on ``records`` with the template
    ``template_xmlid`` (its report attached, in the recipient's language),
    titled ``name``; ``context``: keys added to the composer's context."""
    template = records.env.ref(template_xmlid, raise_if_not_found=False)
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": "mail.compose.message",
        "view_mode": "form",
        "views": [(False, "form")],
        "target": "new",
        "context": {
            "default_model": records._name,
            "default_res_ids": records.ids,
            "default_composition_mode": "comment",
            "default_template_id": template.id if template else False,
            "default_email_layout_xmlid": layout,
            "email_notification_allow_footer": True,
            "force_email": True,
            **context,
        },
    }
