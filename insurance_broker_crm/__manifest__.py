{
    "name": "Insurance Broker CRM",
    "summary": "The broker's pipelines (sales, fulfilment, renewal, lost), insurance "
    "data and quotes from several insurers on the lead",
    "version": "18.0.1.1.0",
    "category": "Sales/Insurance",
    "website": "https://github.com/insurance-broker-suite/insurance-broker",
    "author": "Insurance Broker Suite",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["insurance_broker", "crm", "sms", "utm", "base_automation"],
    "data": [
        "security/insurance_broker_crm_security.xml",
        "security/ir.model.access.csv",
        "data/crm_team_data.xml",
        "data/crm_lost_reason_data.xml",
        "data/ir_cron.xml",
        "data/mail_activity_type_data.xml",
        "data/sms_template_data.xml",
        "data/base_automation_data.xml",
        "report/insurance_offer_report.xml",
        "data/mail_template_data.xml",
        "views/crm_stage_views.xml",
        "views/mail_activity_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "demo": [
        "demo/insurance_crm_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "insurance_broker_crm/static/tests/tours/*.js",
        ],
    },
}
