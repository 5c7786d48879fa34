import importlib.util

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import InsuranceCrmCommon


@tagged("post_install", "-at_install")
class TestMigrationStageRules(InsuranceCrmCommon):
    """Upgrading a book whose stage automations were "On save" with a domain
    on the stage's code: the rules as shipped take the "Stage is set to"
    trigger and give their task as before; a rule an administrator edited
    stays as it is."""

    def _migrate(self):
        path = file_path(
            "insurance_broker_crm/migrations/18.0.1.5.0/post-stage-rules.py"
        )
        spec = importlib.util.spec_from_file_location("post_stage_rules", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()

    def _as_before(self, code, domain=None):
        rule = self.env.ref(f"insurance_broker_crm.automation_{code}")
        rule.write(
            {
                "trigger": "on_create_or_write",
                "trigger_field_ids": [
                    (6, 0, [self.env.ref("crm.field_crm_lead__stage_id").id])
                ],
            }
        )
        rule.filter_domain = (
            domain or f"[('stage_id.insurance_stage_code', '=', '{code}')]"
        )
        return rule

    def test_shipped_rules_take_the_stage_trigger(self):
        typing = self._as_before("fulfilment_typing")
        edited = self._as_before(
            "fulfilment_issued",
            "[('stage_id.insurance_stage_code', '=', 'fulfilment_issued'),"
            " ('priority', '=', '3')]",
        )
        self._migrate()
        stage = self.stage["fulfilment_typing"]
        self.assertEqual(typing.trigger, "on_stage_set")
        self.assertEqual(typing.trg_field_ref, stage.id)
        self.assertEqual(typing.filter_domain, repr([("stage_id", "=", stage.id)]))
        self.assertEqual(edited.trigger, "on_create_or_write")
        self.assertIn("priority", edited.filter_domain)
        # A second run changes nothing.
        self._migrate()
        self.assertEqual(typing.trigger, "on_stage_set")
        self.assertEqual(edited.trigger, "on_create_or_write")

    def test_every_stage_rule_ships_with_the_stage_trigger(self):
        for code in ("sales_gathering", "fulfilment_courier", "renewal_take"):
            rule = self.env.ref(f"insurance_broker_crm.automation_{code}")
            self.assertEqual(rule.trigger, "on_stage_set")
            self.assertEqual(
                rule.filter_domain, repr([("stage_id", "=", self.stage[code].id)])
            )
