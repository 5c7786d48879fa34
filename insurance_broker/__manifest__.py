{
    "name": "Insurance Broker",
    "summary": "Insurers, insurance products, commission rates, policies, "
    "instalments and the client card of an insurance broker",
    "version": "18.0.1.0.0",
    "category": "Sales/Insurance",
    "website": "https://github.com/insurance-broker-suite/insurance-broker",
    "author": "Insurance Broker Suite",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["mail", "contacts", "product", "phone_validation"],
    "data": [
        "security/insurance_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "data/insurance_document_type_data.xml",
        "report/insurance_disclosure_templates.xml",
        "views/insurance_policy_installment_views.xml",
        "views/insurance_policy_views.xml",
        "views/insurance_product_views.xml",
        "views/insurance_document_type_views.xml",
        "views/insurance_commission_rule_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/insurance_policy_cancel_views.xml",
        "wizards/insurance_portfolio_handover_views.xml",
        "views/insurance_menus.xml",
    ],
    "demo": [
        "demo/insurance_demo.xml",
        "demo/res_users_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "insurance_broker/static/tests/tours/*.js",
        ],
    },
}
