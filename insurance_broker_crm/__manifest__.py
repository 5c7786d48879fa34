{
    "name": "Insurance Broker CRM",
    "summary": "The broker's pipelines (sales, fulfilment, renewal, lost), insurance "
    "data and quotes from several insurers on the lead",
    "version": "18.0.1.0.0",
    "category": "Sales/Insurance",
    "website": "https://github.com/insurance-broker-suite/insurance-broker",
    "author": "Insurance Broker Suite",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["insurance_broker", "crm", "sms", "utm"],
    "data": [
        "security/insurance_broker_crm_security.xml",
        "security/ir.model.access.csv",
        "data/crm_team_data.xml",
        "data/ir_cron.xml",
        "views/crm_stage_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
