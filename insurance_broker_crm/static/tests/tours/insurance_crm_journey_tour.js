/** @odoo-module **/

import {moveToStage} from "@insurance_broker_crm/../tests/tours/insurance_tour_utils";
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// The deal prepared by the test (tests/test_ui.py): its name is copied to
// the leads continuing it in Fulfilment and Renewal.
const DEAL = "Tour Journey CASCO";

/**
 * CRM › Sales › Teams, then the team's "Pipeline" button: the kanban of the
 * team's stages, the empty ones too.
 */
function openPipeline(team) {
    return [
        {
            content: "Open the Sales menu",
            trigger:
                ".o_main_navbar .dropdown-toggle[data-menu-xmlid='crm.crm_menu_sales']",
            run: "click",
        },
        {
            content: "Open the sales teams",
            trigger:
                ".dropdown-item[data-menu-xmlid='crm.sales_team_menu_team_pipeline']",
            run: "click",
        },
        {
            content: `Open the ${team} pipeline`,
            trigger: `.o_kanban_record:contains('${team}') button[name=action_primary_channel_button]`,
            run: "click",
        },
        {
            content: `The kanban shows the ${team} pipeline`,
            trigger: ".o_opportunity_kanban",
        },
        {
            trigger: `.o_searchview_facet .o_facet_values:contains('${team}')`,
        },
    ];
}

function openDeliveryTab() {
    return {
        content: "Open the Payment & Delivery tab",
        trigger: ".o_form_view .o_notebook a.nav-link[name=insurance_payment]",
        run: "click",
    };
}

registry.category("web_tour.tours").add("insurance_crm_journey_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open CRM",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        // Sales: the client chose a quote, the documents are collected.
        ...openPipeline("Insurance Sales"),
        {
            content: "Open the deal waiting in Collecting documents",
            trigger: `.o_kanban_group:has(.o_column_title:contains('Collecting documents')) .o_kanban_record:contains('${DEAL}')`,
            run: "click",
        },
        openDeliveryTab(),
        {
            content: "The policy goes to the client by courier",
            trigger: ".o_field_widget[name=delivery_type] select",
            run: 'select "courier"',
        },
        ...moveToStage("Handed to fulfilment"),
        // Fulfilment: the copy of the deal arrived in New.
        ...openPipeline("Fulfilment"),
        {
            content: "Open the deal handed over to fulfilment",
            trigger: `.o_kanban_group:has(.o_column_title:contains('New')) .o_kanban_record:contains('${DEAL}')`,
            run: "click",
        },
        openDeliveryTab(),
        {
            content: "The logistician picks the typist",
            trigger: ".o_field_widget[name=typist_id] input",
            run: "edit Tour Typist",
        },
        {
            trigger:
                ".o_field_widget[name=typist_id] .o-autocomplete--dropdown-item a:contains('Tour Typist')",
            run: "click",
        },
        ...moveToStage("Typing"),
        ...moveToStage("Issued"),
        {
            content: "Assign a courier",
            trigger: ".o_field_widget[name=courier_name] input",
            run: "edit Tour Courier",
        },
        {
            trigger: ".o_field_widget[name=courier_phone] input",
            run: "edit +370 600 00 001",
        },
        {
            content: "Set the delivery date",
            trigger: ".o_field_widget[name=delivery_date] input",
            run: `edit ${luxon.DateTime.now()
                .plus({days: 2})
                .set({hour: 10, minute: 0, second: 0})
                .toFormat("MM/dd/yyyy HH:mm:ss")} && press Enter`,
        },
        ...moveToStage("Courier delivery"),
        {
            content: "Open the Insurance tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name=insurance]",
            run: "click",
        },
        {
            content: "The client has the policy: type its number",
            trigger: ".o_field_widget[name=policy_number] input",
            run: "edit TOUR-CASCO-0001",
        },
        ...moveToStage("Delivered"),
        // Renewal: the policy ends in a year, its renewal waits in that bucket.
        ...openPipeline("Renewal"),
        {
            content: "The renewal waits while more than six months are left",
            trigger: `.o_kanban_group:has(.o_column_title:contains('Over 6 months')) .o_kanban_record:contains('${DEAL}')`,
        },
    ],
});
