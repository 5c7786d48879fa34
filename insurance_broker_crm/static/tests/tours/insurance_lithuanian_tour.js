/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// Prepared by tests/test_ui_lithuanian.py: a client of Lukas's, his deal and
// the client's policy. The labels are the suite's Lithuanian translations
// (i18n/lt.po of insurance_broker and insurance_broker_crm).
const CLIENT = "Tour LT Client";
const DEAL = "Tour LT CASCO";
const POLICY = "TOUR-LT-0001";

/**
 * The demo salesperson Lukas Vaitkus works in Lithuanian: the Insurance app,
 * its pipelines, a deal, a policy and the client card speak Lithuanian.
 */
registry.category("web_tour.tours").add("insurance_lithuanian_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "The Insurance app is Draudimas",
            trigger:
                ".o_app[data-menu-xmlid='insurance_broker.menu_insurance_root']:contains('Draudimas')",
            run: "click",
        },
        {
            content: "The pipelines menu is Piltuvėliai",
            trigger:
                ".o_main_navbar [data-menu-xmlid='insurance_broker_crm.menu_insurance_pipelines']:contains('Piltuvėliai')",
            run: "click",
        },
        {
            content: "Open the Sales pipeline (Pardavimas)",
            trigger:
                ".dropdown-item[data-menu-xmlid='insurance_broker_crm.menu_insurance_pipeline_sales']:contains('Pardavimas')",
            run: "click",
        },
        {
            content: "The Sales pipeline is Pardavimo piltuvėlis",
            trigger: ".o_breadcrumb:contains('Pardavimo piltuvėlis')",
        },
        {
            content: "Open the deal",
            trigger: `.o_kanban_record:contains('${DEAL}')`,
            run: "click",
        },
        {
            content: "The deal's insurance tab is Draudimas",
            trigger:
                ".o_form_view .o_notebook a.nav-link[name=insurance]:contains('Draudimas')",
            run: "click",
        },
        {
            content: "The product of the deal is Draudimo produktas",
            trigger:
                ".o_form_view .o_notebook .o_form_label:contains('Draudimo produktas')",
        },
        {
            content: "Its next contact date is Kito kontakto data",
            trigger:
                ".o_form_view .o_notebook .o_form_label:contains('Kito kontakto data')",
        },
        {
            content: "The quotes tab is Draudikų pasiūlymai",
            trigger:
                ".o_form_view .o_notebook a.nav-link[name=insurance_quotes]:contains('Draudikų pasiūlymai')",
        },
        {
            content: "Open the policies (Polisai)",
            trigger:
                ".o_main_navbar [data-menu-xmlid='insurance_broker.menu_insurance_policy']:contains('Polisai')",
            run: "click",
        },
        {
            content: "Open the client's policy",
            trigger: `.o_list_view .o_data_row td.o_data_cell:contains('${POLICY}')`,
            run: "click",
        },
        {
            content: "The policy's insurer is Draudikas",
            trigger: ".o_form_view .o_form_label:contains('Draudikas')",
        },
        {
            content: "Its premium is Draudimo įmoka",
            trigger: ".o_form_view .o_form_label:contains('Draudimo įmoka')",
        },
        {
            content: "Open the clients (Klientai)",
            trigger:
                ".o_main_navbar [data-menu-xmlid='insurance_broker.menu_insurance_client']:contains('Klientai')",
            run: "click",
        },
        {
            content: "Open the client card",
            trigger: `.o_list_view .o_data_row td.o_data_cell:contains('${CLIENT}')`,
            run: "click",
        },
        {
            content: "The client card's insurance tab is Draudimas",
            trigger:
                ".o_form_view .o_notebook a.nav-link[name=insurance_client_card]:contains('Draudimas')",
            run: "click",
        },
        {
            content: "The client's type is Kliento tipas",
            trigger: ".o_form_view .o_notebook .o_form_label:contains('Kliento tipas')",
        },
        {
            content: "The client's manager is Kliento vadybininkas",
            trigger:
                ".o_form_view .o_notebook .o_form_label:contains('Kliento vadybininkas')",
        },
    ],
});
