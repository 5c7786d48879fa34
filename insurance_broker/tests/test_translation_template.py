import os

import polib
from lxml import etree

from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

SUITE = ("insurance_broker", "insurance_broker_account", "insurance_broker_crm")


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    """Each addon's i18n/<addon>.pot holds every string its code, views and
    data show: a string added without `make pot` would stay English in
    every language (and the .po check of `make test` could not see it)."""

    def _demo_xml_ids(self, addon):
        """The records of the addon's demo files: `make pot` exports from a
        database without demo data, so their terms are not the addon's."""
        ids = set()
        for path in get_manifest(addon).get("demo", []):
            if path.endswith(".xml"):
                tree = etree.parse(os.path.join(get_module_path(addon), path))
                ids.update(
                    xml_id if "." in xml_id else f"{addon}.{xml_id}"
                    for xml_id in tree.xpath("//record/@id | //menuitem/@id")
                )
        return ids

    def _field_of_another_addon(self, name, xml_id):
        """A field another addon adds to one of this addon's models (sms's
        message_has_sms_error on a policy, as a mail.thread): reflected under
        whichever addon was installed last, it is that other addon's term."""
        if not name.startswith("ir.model.fields"):
            return False
        record = self.env.ref(xml_id, raise_if_not_found=False)
        if record and record._name == "ir.model.fields.selection":
            record = record.field_id
        if not record or record._name != "ir.model.fields":
            return False
        model = self.env.registry.get(record.model)
        field = model and model._fields.get(record.name)
        return bool(field) and field._module != xml_id.split(".")[0]

    def test_each_pot_holds_the_addons_strings(self):
        installed = self.env["ir.module.module"].search(
            [("name", "in", SUITE), ("state", "=", "installed")]
        )
        for addon in installed.mapped("name"):
            with self.subTest(addon=addon):
                pot_path = os.path.join(get_module_path(addon), "i18n", f"{addon}.pot")
                in_pot = {entry.msgid for entry in polib.pofile(pot_path)}
                demo = self._demo_xml_ids(addon)
                demo_prefixes = tuple(f"{xml_id}_" for xml_id in demo)
                reader = TranslationModuleReader(self.env.cr, modules=[addon])
                shown = {
                    source
                    for module, kind, name, xml_id, source, _value, _notes in reader
                    if module == addon
                    and source
                    # not the demo's records, nor their _inherits parents
                    # (<id>_product_template); a code term's xml_id is a line
                    and not (
                        kind != "code"
                        and (xml_id in demo or xml_id.startswith(demo_prefixes))
                    )
                    and not (
                        kind != "code" and self._field_of_another_addon(name, xml_id)
                    )
                }
                missing = sorted(shown - in_pot)
                self.assertFalse(
                    missing,
                    f"{addon}: {len(missing)} strings missing from {addon}.pot "
                    f"(run make pot, then translate them): {missing[:10]}",
                )
