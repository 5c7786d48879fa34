# TEMPORARY measurement (removed after use)
import io
import resource
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .debtor_common import DebtorCommon


def _vm(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024.0
    return 0.0


@tagged("post_install", "-at_install", "-standard", "acc_perf_tmp")
class TestTmpPerfAccDebtors(DebtorCommon):
    def _copy_moves(self, move, partner_ids, due_expr):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO account_move (journal_id, currency_id, state, move_type,
                    auto_post, date, name, company_id, commercial_partner_id, partner_id,
                    insurance_move_kind, insurance_policy_id, payment_state,
                    invoice_date_due, amount_residual, amount_residual_signed,
                    amount_total, invoice_date, invoice_user_id)
                   SELECT m.journal_id, m.currency_id, 'posted', 'out_invoice', 'no',
                          m.date, 'BENCH/' || p.n || '/' || p.id, m.company_id, p.id,
                          p.id, 'premium', m.insurance_policy_id, 'not_paid', %s,
                          m.amount_residual, m.amount_residual_signed, m.amount_total,
                          m.invoice_date, m.invoice_user_id
                     FROM account_move m,
                          unnest(%s::int[]) WITH ORDINALITY p(id, n)
                    WHERE m.id = %s""",
                due_expr,
                partner_ids,
                move.id,
            )
        )

    def _partners(self, count):
        self.env.cr.execute(
            SQL(
                """INSERT INTO res_partner (name, complete_name, active, autopost_bills,
                       type, is_company, company_id, client_type, client_manager_id, lang)
                   SELECT 'Bench client ' || n, 'Bench client ' || n, true, 'ask',
                          'contact', false, %s, 'individual', %s, 'en_US'
                     FROM generate_series(1, %s) n RETURNING id""",
                self.company.id,
                self.salesperson.id,
                count,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _test_xlsx_100k(self):
        today = fields.Date.today()
        move = self._create_premium_invoice(today - timedelta(days=20), 100.0)
        ids = self._partners(100_000)
        self._copy_moves(
            move, ids, SQL("m.invoice_date_due - mod(p.id, 90)")
        )
        self.env.invalidate_all()
        count = self.env["insurance.debtor.report"].search_count([])
        rss0, hwm0, max0 = _vm("VmRSS"), _vm("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.time()
        content, _ = self.env["ir.actions.report"]._render(
            "insurance_broker_account.debtor_xlsx", None, {"domain": []}
        )
        t1 = time.time()
        rss1, hwm1, max1 = _vm("VmRSS"), _vm("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"PERF xlsx rows={count} secs={t1 - t0:.2f} size={len(content)/1e6:.1f}MB "
              f"rss {rss0:.0f}->{rss1:.0f} MB hwm {hwm0:.0f}->{hwm1:.0f} MB maxrss {max0:.0f}->{max1:.0f}")
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True)
        n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
        print(f"PERF xlsx sheet rows={n}")

    def test_reminders_cron(self):
        today = fields.Date.today()
        move = self._create_premium_invoice(today - timedelta(days=3), 100.0)
        for n in (200, 1000):
            ids = self._partners(n)
            self._copy_moves(move, ids, SQL("m.invoice_date_due"))
            # a backlog of overdue invoices already reminded (not due today)
            backlog = self._partners(20000)
            self._copy_moves(move, backlog, SQL("m.invoice_date_due - 1 - mod(p.id, 200)"))
            self.env.cr.execute(
                """INSERT INTO insurance_reminder (move_id, level_id, date, company_id)
                   SELECT m.id, l.id, CURRENT_DATE, m.company_id FROM account_move m
                   CROSS JOIN LATERAL (SELECT id FROM insurance_reminder_level l WHERE l.company_id = m.company_id AND l.days <= CURRENT_DATE - m.invoice_date_due ORDER BY days DESC LIMIT 1) l
                   WHERE m.commercial_partner_id = ANY(%s)""",
                [backlog],
            )
            self.env.cr.execute("ANALYZE account_move; ANALYZE insurance_reminder")
            self.env.invalidate_all()
            Reminder = self.env["insurance.reminder"].sudo()
            t0 = time.time()
            self.env.cr.execute(Reminder._reminders_due_query(today))
            due = self.env.cr.fetchall()
            t1 = time.time()
            q0 = self.env.cr.sql_log_count
            sent = Reminder._cron_send_reminders()
            t2 = time.time()
            print(f"PERF reminders due={len(due)} sent={sent} floor={t1 - t0:.3f}s cron={t2 - t1:.2f}s "
                  f"ratio={(t2 - t1) / max(t1 - t0, 1e-6):.1f} queries={self.env.cr.sql_log_count - q0}")
