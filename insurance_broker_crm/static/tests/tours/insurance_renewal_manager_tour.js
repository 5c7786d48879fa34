/** @odoo-module **/

import {moveToStage} from "@insurance_broker_crm/../tests/tours/insurance_tour_utils";
import {queryFirst} from "@odoo/hoot-dom";
import {registry} from "@web/core/registry";

// The demo's renewal deal in its last month (demo/insurance_crm_demo.xml):
// its MTPL policy is with Nordlys; the client takes Baltic Shield's offer.
const DEAL = "Renewal: MTPL of Mikko Laine";
const OTHER_INSURER = "Baltic Shield";

registry.category("web_tour.tours").add("insurance_renewal_manager_tour", {
    steps: () => [
        // The Renewal pipeline (tests/test_ui_renewal_manager.py opens it):
        // the deals in their last month wait for a renewal manager.
        {
            content: "Open the deal waiting in Last month, its policy with Nordlys",
            trigger: `.o_kanban_group:has(.o_column_title:contains('Last month')) .o_kanban_record:contains('${DEAL}'):contains('Nordlys')`,
            run: "click",
        },
        ...moveToStage("Take into work"),
        // The client calls back: Baltic Shield's offer beats Nordlys'.
        {
            content: "Open the Quotes tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name=insurance_quotes]",
            run: "click",
        },
        {
            content: "Add a quote",
            trigger:
                ".o_form_view .o_field_widget[name=quote_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Quoted by another insurer",
            trigger:
                ".o_field_widget[name=quote_ids] .o_data_row .o_field_widget[name=insurer_id] input",
            run: `edit ${OTHER_INSURER}`,
        },
        {
            trigger: `.o_field_widget[name=insurer_id] .o-autocomplete--dropdown-item a:contains('${OTHER_INSURER}')`,
            run: "click",
        },
        {
            content: "At a lower premium",
            trigger:
                ".o_field_widget[name=quote_ids] .o_data_row .o_field_widget[name=premium] input",
            run: "edit 265",
        },
        {
            content: "The client takes it",
            trigger:
                ".o_field_widget[name=quote_ids] .o_data_row .o_field_widget[name=chosen] input",
            run: "click",
        },
        {
            content: "Save the deal",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "The quote earns the renewal rate (7 % of 265.00)",
            trigger:
                ".o_field_widget[name=quote_ids] .o_data_row td[name=commission]:contains('18.55')",
        },
        {
            content: "The deal is worth the chosen quote's commission",
            trigger: ".o_form_view .o_field_widget[name=expected_revenue]",
            run() {
                const field = queryFirst(
                    ".o_form_view .o_field_widget[name=expected_revenue] input"
                );
                const shown = field ? field.value : this.anchor.textContent;
                if (!shown.includes("18.55")) {
                    throw new Error(`Expected revenue shows "${shown}", not 18.55`);
                }
            },
        },
        ...moveToStage("Renewed"),
        {
            content: "The deal is won",
            trigger: ".o_form_view .ribbon:contains('Won')",
        },
    ],
});
