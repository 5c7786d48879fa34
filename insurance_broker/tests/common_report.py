from .common import InsuranceCommon


class ReportCommon(InsuranceCommon):
    """Two more clients (Jonas is Olga's): Jonas2 of Otto, Vida of Olga; and
    the analyses read as the pivot reads them, on the test's book only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_otto, cls.client_vida = cls.env["res.partner"].create(
            [
                {
                    "name": "Jonas Second",
                    "client_type": "individual",
                    "client_manager_id": cls.user_own_2.id,
                },
                {
                    "name": "Vida Client",
                    "client_type": "individual",
                    "client_manager_id": cls.user_own.id,
                },
            ]
        )

    def _read_pivot(self, model, domain, fields, groupby, user=None):
        """{(group values): {measure: value}} of ``read_group`` as the web
        client calls it; dates grouped by month give the month's first day."""
        report = self.env[model]
        if user:
            report = report.with_user(user)
        # The book of the test only, not the demo's: its client managers.
        mine = [("client_manager_id", "in", (self.user_own | self.user_own_2).ids)]
        groups = report.read_group(
            list(domain) + mine, fields, list(groupby), lazy=False
        )
        result = {}
        for group in groups:
            key = []
            for name in groupby:
                if ":" in name:
                    key.append(group["__range"][name]["from"])
                else:
                    value = group[name]
                    key.append(value[0] if isinstance(value, tuple) else value)
            result[tuple(key)] = {
                name.split(":")[0]: group[name.split(":")[0]] for name in fields
            }
        return result
