from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestInsuranceDashboardTour(HttpCase):
    """The head of sales (demo user Daiva Petraitienė) opens Dashboards ›
    Insurance broker: the scorecards are drawn and the headline figures of
    the demo data are loaded, none of them an error."""

    def test_head_of_sales_opens_the_dashboard(self):
        self.start_tour("/odoo", "insurance_dashboard_tour", login="daiva.petraitiene")
