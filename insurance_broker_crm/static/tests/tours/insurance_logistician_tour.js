/** @odoo-module **/

import {
    moveToStage,
    openFormTab,
    openInsurancePipeline,
    pickInMany2one,
} from "@insurance_broker_crm/../tests/tours/insurance_tour_utils";
import {registry} from "@web/core/registry";

// The deal handed over by Sales in tests/test_tour_logistician.py.
const DEAL = "Tour Logistician CASCO";

/**
 * The logistician's day (demo user Mindaugas Navickas): a deal arrives in
 * Fulfilment; he picks the typist, moves it through typing and issuing,
 * sends a courier and closes it delivered with the insurer's policy number.
 */
registry.category("web_tour.tours").add("insurance_logistician_tour", {
    url: "/odoo",
    steps: () => [
        ...openInsurancePipeline(
            "insurance_broker_crm.menu_insurance_pipeline_fulfilment",
            "Fulfilment Pipeline"
        ),
        {
            content: "Open the deal waiting in New",
            trigger: `.o_kanban_group:has(.o_column_title:contains('New')) .o_kanban_record:contains('${DEAL}')`,
            run: "click",
        },
        {
            content: "The deal is his, handed over by the salesperson",
            trigger:
                ".o_form_view .o_field_widget[name=user_id] input:value('Mindaugas Navickas')",
        },
        openFormTab("insurance_payment", "Payment & Delivery"),
        ...pickInMany2one("typist_id", "Jurgita", "Jurgita Bružaitė"),
        ...moveToStage("Typing"),
        ...moveToStage("Issued"),
        {
            content: "The printer now holds the deal",
            trigger:
                ".o_form_view .o_field_widget[name=user_id] input:value('Paulius Žukauskas')",
        },
        {
            content: "Assign a courier",
            trigger: ".o_field_widget[name=courier_name] input",
            run: "edit Tour Courier",
        },
        {
            trigger: ".o_field_widget[name=courier_phone] input",
            run: "edit +370 600 00 002",
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
            content: "The logistician holds the deal again",
            trigger:
                ".o_form_view .o_field_widget[name=user_id] input:value('Mindaugas Navickas')",
        },
        openFormTab("insurance", "Insurance"),
        {
            content: "The client has the policy: type its number",
            trigger: ".o_field_widget[name=policy_number] input",
            run: "edit TOUR-LOG-0001",
        },
        ...moveToStage("Delivered"),
        {
            content: "The deal is won",
            trigger: ".o_form_view .o_widget_web_ribbon span:contains('Won')",
        },
        {
            content: "Its policy is issued",
            trigger:
                ".o_form_view .o_field_widget[name=policy_id]:contains('TOUR-LOG-0001'), .o_form_view .o_field_widget[name=policy_id] input:value('TOUR-LOG-0001')",
        },
    ],
});
