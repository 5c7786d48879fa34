/** @odoo-module **/

import {
    moveToStage,
    openFormTab,
    openInsurancePipeline,
    pickInMany2one,
} from "@insurance_broker_crm/../tests/tours/insurance_tour_utils";
import {registry} from "@web/core/registry";

// Prepared by tests/test_ui_salesperson.py: a client of Lukas's, the product
// and two insurers.
const CLIENT = "Tour Day Client";
const DEAL = "Tour Day CASCO";
const INSURER_A = "Tour Day Insurer A";
const INSURER_B = "Tour Day Insurer B";

/** Add the ``row``-th (1, 2...) quote line to the deal's Quotes tab. */
function addQuote(row, insurer, premium) {
    const line = `.o_field_widget[name=quote_ids] .o_data_row:nth-child(${row}).o_selected_row`;
    return [
        {
            content: `Add the quote of ${insurer}`,
            trigger: ".o_field_widget[name=quote_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: `${line} .o_field_widget[name=insurer_id] input`,
            run: `edit ${insurer}`,
        },
        {
            trigger: `${line} .o-autocomplete--dropdown-item a:contains('${insurer}')`,
            run: "click",
        },
        {
            trigger: `${line} .o_field_widget[name=insurer_id] input:value('${insurer}')`,
        },
        {
            trigger: `${line} .o_field_widget[name=premium] input`,
            run: `edit ${premium}`,
        },
    ];
}

/**
 * The salesperson's day (demo user Lukas Vaitkus, who sees his own deals
 * and clients only): a client calls; Lukas opens a deal in the Sales
 * pipeline, records what to insure, enters two insurers' quotes, the client
 * takes one, Lukas sends the offer and hands the deal over to Fulfilment.
 */
registry.category("web_tour.tours").add("insurance_salesperson_day_tour", {
    url: "/odoo",
    steps: () => [
        ...openInsurancePipeline(
            "insurance_broker_crm.menu_insurance_pipeline_sales",
            "Sales Pipeline"
        ),
        // A new call: a deal for the caller in the first stage.
        {
            content: "A client calls: open a new deal",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=partner_id] input",
            run: `edit ${CLIENT}`,
        },
        {
            trigger: `.o_kanban_quick_create .o-autocomplete--dropdown-item a:contains('${CLIENT}')`,
            run: "click",
        },
        {
            trigger: ".o_kanban_quick_create .o_field_widget[name=name] input",
            run: `edit ${DEAL}`,
        },
        {
            trigger: ".o_kanban_quick_create button.o_kanban_add",
            run: "click",
        },
        {
            content: "The deal waits in Gathering information",
            trigger: `.o_kanban_group:has(.o_column_title:contains('Gathering information')) .o_kanban_record:contains('${DEAL}')`,
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Gathering information')",
        },
        // What to insure
        openFormTab("insurance", "Insurance"),
        ...pickInMany2one("insurance_product_id", "Tour Day", "Tour Day CASCO"),
        {
            trigger: ".o_form_view .o_field_widget[name=insured_object] textarea",
            run: "edit Toyota RAV4, plate TOUR 003",
        },
        // Two insurers' quotes; the client takes the second one.
        openFormTab("insurance_quotes", "Quotes"),
        ...addQuote(1, INSURER_A, "1200"),
        ...addQuote(2, INSURER_B, "1100"),
        {
            content: "Save the deal with its quotes",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: `The client takes the quote of ${INSURER_B}`,
            trigger: `.o_field_widget[name=quote_ids] .o_data_row:contains('${INSURER_B}') .o_field_widget[name=chosen] input`,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        // The offer says why (IDD art. 20): it cannot be sent without.
        {
            content: "Why the advisor recommends the chosen quote",
            trigger:
                ".o_form_view .o_field_widget[name=insurance_recommendation] textarea",
            run: "edit The cheaper premium for the same cover, glass included.",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        openFormTab("insurance_payment", "Payment & Delivery"),
        {
            content: "The deal takes the chosen quote's premium",
            trigger: `.o_form_view .o_field_widget[name=chosen_quote_id]:contains('${INSURER_B}'), .o_form_view .o_field_widget[name=chosen_quote_id] input:value('${INSURER_B}')`,
        },
        // The offer, by e-mail with the comparison attached.
        {
            content: "Send the offer",
            trigger: ".o_form_view .o_form_statusbar button[name=action_send_offer]",
            run: "click",
        },
        {
            content: "The offer comparing the quotes is attached",
            trigger: ".modal .o_field_widget[name=attachment_ids]:contains('Offer')",
        },
        {
            trigger: ".modal .btn.o_mail_send",
            run: "click",
        },
        {
            content: "The offer is in the deal's history",
            trigger: ".o-mail-Message:contains('Here is our offer')",
        },
        // Hand-over to Fulfilment: delivered by courier.
        {
            trigger: ".o_form_view .o_field_widget[name=delivery_type] select",
            run: 'select "courier"',
        },
        ...moveToStage("Collecting documents"),
        ...moveToStage("Handed to fulfilment"),
        {
            content: "The sale is won",
            trigger: ".o_form_view .o_widget_web_ribbon span:contains('Won')",
        },
        {
            content: "The Fulfilment deal, the logistician's, is not shown to Lukas",
            trigger:
                ".o_form_view:not(:has(.o_field_widget[name=insurance_continuation_ids] .o_tag))",
        },
    ],
});
