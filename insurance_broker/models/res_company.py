from odoo import fields, models


class ResCompany(models.Model):
    """The broker's identity and how it is paid, as the Insurance Distribution
    Directive wants them told to a client before a contract (art. 18 and 19):
    printed on the offer and the brokerage contract."""

    _inherit = "res.company"

    insurance_licence_number = fields.Char(
        string="Broker Licence Number",
        help="The number under which the supervisory authority registered the "
        "company as an insurance broker; printed on offers and contracts.",
    )
    insurance_supervisory_authority = fields.Char(
        string="Supervisory Authority",
        help="The authority that keeps the register of insurance intermediaries "
        "and receives complaints, e.g. the Bank of Lithuania.",
    )
    insurance_remuneration = fields.Selection(
        [
            ("commission", "Commission from the insurer"),
            ("fee", "Fee paid by the client"),
            ("both", "Commission and fee"),
        ],
        string="Remuneration",
        default="commission",
        required=True,
        help="How the broker is paid for the contracts it arranges; the offer and "
        "the contract tell the client (IDD art. 19).",
    )
    insurance_disclose_commission = fields.Boolean(
        string="Disclose the Commission Amount",
        help="Print the amount of the commission on the recommended contract, "
        "not only that a commission is paid.",
    )
    insurance_disclosure_note = fields.Text(
        string="Further Disclosures",
        translate=True,
        help="Printed under the remuneration: holdings in insurers, contractual "
        "ties, how to complain. One text per language.",
    )
