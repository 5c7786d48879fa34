from collections import defaultdict

from odoo import models


class InsurancePolicy(models.Model):
    _inherit = "insurance.policy"

    def _insured_object_label(self):
        """The insured object in one line: the vehicle (plate, make, model),
        or else the first line of the object's description."""
        self.ensure_one()
        vehicle = " ".join(
            filter(None, [self.vehicle_plate, self.vehicle_make, self.vehicle_model])
        )
        description = (self.object_description or "").strip().splitlines()
        return vehicle or (description[0].strip() if description else "")


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------
    # INVOICE PDF (report/report_invoice.xml)
    # ------------------------------------------------------------

    def _insurance_report_policies(self):
        """The policies this premium invoice (or its credit note) bills, as
        superuser (see ``_insurance_report_policy_blocks``), by number."""
        self.ensure_one()
        move = self.sudo()
        return (
            move.insurance_policy_id | move.invoice_line_ids.insurance_policy_id
        ).sorted(lambda policy: (policy.name or "", policy.id))

    def _insurance_report_policy_blocks(self):
        """The "Policy" blocks of a premium invoice or credit note: one dict
        per policy it bills (one, as the suite invoices one instalment per
        invoice; more if lines of several policies were put on it), with the
        policy's number, insurer, product, insured object, cover period and
        the instalment billed ("i of n"). Empty for any other move.

        Read as superuser: whoever prints the invoice (an Invoicing user
        limited to their own clients' policies, the client on the portal)
        may read the invoice, which already names the policy on its lines,
        and the policy's particulars are part of the document."""
        self.ensure_one()
        if self.insurance_move_kind != "premium" or not self.is_sale_document():
            return []
        self.check_access("read")
        move = self.sudo()
        blocks = []
        for policy in self._insurance_report_policies():
            installment = (
                move.insurance_installment_id
                if move.insurance_installment_id.policy_id == policy
                else move.invoice_line_ids.filtered(
                    lambda line, policy=policy: line.insurance_policy_id == policy
                ).insurance_installment_id[:1]
            )
            blocks.append(
                {
                    "number": policy.name,
                    "insurer": policy.insurer_id.name,
                    "product": policy.product_id.name,
                    "insured_object": policy._insured_object_label(),
                    "date_start": policy.date_start,
                    "date_end": policy.date_end,
                    "installment_number": installment.sequence,
                    "installment_count": len(policy.installment_ids),
                }
            )
        return blocks

    def _insurance_report_payment(self):
        """Whom the client of this premium invoice pays, and how: a dict with
        ``payee`` (the broker, or the insurer when the insurer collects the
        premium), ``bank_account`` (the account on the invoice, or the
        insurer's first bank account), ``insurer_collects``, ``reference``
        and ``date_due``. Empty for credit notes, paid invoices and other
        moves. Read as superuser, as the policy blocks are."""
        self.ensure_one()
        if (
            self.insurance_move_kind != "premium"
            or self.move_type != "out_invoice"
            or self.state == "cancel"
            or self.payment_state in ("paid", "in_payment", "reversed")
        ):
            return {}
        policies = self._insurance_report_policies()
        if not policies:
            return {}
        insurers = policies.filtered(
            lambda policy: policy.premium_collection == "insurer"
        ).insurer_id
        # Collected by the insurer only when every policy of the invoice is
        # (always one policy per invoice in the suite), by a single insurer.
        insurer_collects = len(insurers) == 1 and all(
            policy.premium_collection == "insurer" for policy in policies
        )
        if insurer_collects:
            # As the policy confirmation tells the client (its contract).
            contract = policies[:1]._contract_payment()
            payee = contract["payee"]
            bank_account = contract["bank"].acc_number
        else:
            payee = self.company_id.name
            bank_account = self.partner_bank_id.acc_number
        return {
            "payee": payee,
            "bank_account": bank_account or "",
            "insurer_collects": insurer_collects,
            "reference": self.payment_reference or self.name,
            "date_due": self.invoice_date_due,
        }

    def _insurance_report_commission_rows(self):
        """The policies a commission invoice or an insurer's bill (or their
        credit notes) is about: one dict per policy, by number, with its
        client, product, the premium of the instalments it covers, the
        commission rate and the commission (its chargeback included). Empty
        for any other move.

        Read as superuser: the commission lines settled by this document
        are its own details, and an Invoicing user limited to their own
        clients would otherwise print some of its policies only."""
        self.ensure_one()
        if self.insurance_move_kind not in ("commission", "insurer_bill"):
            return []
        self.check_access("read")
        move = self.sudo()
        # A credit note of the document lists what the document did.
        documents = move | move.reversed_entry_id
        commission_lines = (
            self.env["insurance.commission.line"]
            .sudo()
            .search(
                [
                    ("move_line_id", "in", documents.invoice_line_ids.ids),
                ]
            )
        )
        by_policy = defaultdict(
            lambda: {
                "installments": self.env["insurance.policy.installment"].sudo(),
                "commission": 0.0,
            }
        )
        for line in move.invoice_line_ids.filtered("insurance_policy_id"):
            by_policy[line.insurance_policy_id]["installments"] |= (
                line.insurance_installment_id
            )
        for line in commission_lines:
            values = by_policy[line.policy_id]
            values["installments"] |= line.installment_id
            values["commission"] += line.amount
        rows = []
        for policy in sorted(by_policy, key=lambda p: (p.name or "", p.id)):
            values = by_policy[policy]
            rows.append(
                {
                    "number": policy.name,
                    "client": policy.partner_id.display_name,
                    "product": policy.product_id.name,
                    # None for a policy only given back commission on.
                    "premium": (
                        sum(values["installments"].mapped("amount"))
                        if values["installments"]
                        else None
                    ),
                    "commission_rate": policy.commission_rate,
                    "commission": values["commission"],
                    "currency": policy.currency_id,
                }
            )
        return rows
