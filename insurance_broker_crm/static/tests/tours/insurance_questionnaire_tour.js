/** @odoo-module **/

import {openFormTab} from "@insurance_broker_crm/../tests/tours/insurance_tour_utils";
import {registry} from "@web/core/registry";

// Prepared by tests/test_ui_questionnaire.py: Lukas's deal with two quotes,
// the product's four questions (the last one optional).
const LIST = ".o_field_widget[name=insurance_answer_ids]";
const ROW = `${LIST} .o_data_row.o_selected_row`;

/** Select the row of ``question`` by clicking its answer cell. */
function openRow(question, column) {
    return [
        {
            content: `Answer “${question}”`,
            trigger: `${LIST} .o_data_row:contains('${question}') td[name=${column}]`,
            run: "click",
        },
        {
            trigger: `${ROW}:contains('${question}') .o_field_widget[name=${column}]`,
        },
    ];
}

/**
 * Lukas asks the client the product's demands and needs questions, saves,
 * and sends the offer: the answers sent are then locked.
 */
registry.category("web_tour.tours").add("insurance_questionnaire_tour", {
    steps: () => [
        {
            trigger:
                ".o_form_view .o_field_widget[name=name]:contains('Needs Tour Deal'), .o_form_view .o_field_widget[name=name] textarea",
        },
        openFormTab("insurance_questionnaire", "Demands and Needs"),
        {
            content: "What is still to answer is shown",
            trigger:
                ".o_insurance_questionnaire_missing:contains('Annual mileage (km)')",
        },
        ...openRow("Do you use the vehicle for work?", "value_yes_no"),
        {
            trigger: `${ROW} .o_field_widget[name=value_yes_no] .o_radio_item:contains('Yes') input`,
            run: "click",
        },
        ...openRow("Who drives the vehicle?", "option_id"),
        {
            trigger: `${ROW} .o_field_widget[name=option_id] input`,
            run: "edit Any",
        },
        {
            trigger: `${ROW} .o-autocomplete--dropdown-item a:contains('Any driver')`,
            run: "click",
        },
        {
            trigger: `${ROW} .o_field_widget[name=option_id] input:value('Any driver')`,
        },
        ...openRow("Annual mileage (km)", "value_number"),
        {
            trigger: `${ROW} .o_field_widget[name=value_number] input`,
            run: "edit 12000",
        },
        ...openRow("Anything else we should know?", "value_text"),
        {
            trigger: `${ROW} .o_field_widget[name=value_text] textarea`,
            run: "edit Kept in a garage",
        },
        {
            content: "Save the answers",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Nothing is left to answer",
            trigger: ".o_form_view:not(:has(.o_insurance_questionnaire_missing))",
        },
        {
            content: "Send the offer",
            trigger: ".o_form_view .o_form_statusbar button[name=action_send_offer]",
            run: "click",
        },
        {
            content: "The offer is attached",
            trigger: ".modal .o_field_widget[name=attachment_ids]:contains('Offer')",
        },
        {
            trigger: ".modal .btn.o_mail_send",
            run: "click",
        },
        {
            content: "The offer is in the deal's history",
            trigger: ".o-mail-Message:contains('Needs Tour Insurer A')",
        },
        {
            content: "The answers sent are locked",
            trigger:
                ".o_insurance_questionnaire_frozen:contains('Sent with the offer')",
        },
        {
            trigger: `${LIST}.o_readonly_modifier .o_data_row:contains('Any driver')`,
        },
        {
            content: "Answers sent are revised, not changed",
            trigger: ".o_form_view button[name=action_insurance_revise_answers]",
        },
    ],
});
