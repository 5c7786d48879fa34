from odoo import api, fields, models
from odoo.exceptions import ValidationError


class InsuranceLeadDriver(models.Model):
    """A driver of the vehicle to insure (motor products)."""

    _name = "insurance.lead.driver"
    _description = "Driver to Insure"
    _inherit = ["insurance.bounded.mixin"]
    _order = "lead_id, sequence, id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead",
        string="Deal",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    birth_date = fields.Date()
    licence_number = fields.Char()
    experience_years = fields.Integer(string="Years of Experience")

    def _insurance_bounds(self):
        return {
            **super()._insurance_bounds(),
            "birth_date": "date",
            "experience_years": (0, 100),
            "sequence": "integer",
        }

    @api.constrains("experience_years", "birth_date")
    def _check_experience(self):
        for driver in self:
            if driver.experience_years < 0:
                raise ValidationError(
                    self.env._("Years of experience cannot be negative.")
                )
            if driver.birth_date and driver.birth_date > fields.Date.context_today(
                self
            ):
                raise ValidationError(
                    self.env._("The driver %s is born in the future.", driver.name)
                )
