/** @odoo-module **/

import {rpc} from "@web/core/network/rpc";
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// The policy and the statement file prepared in tests/test_role_tours.py.
const POLICY = "TOUR-ACC-0001";
const STATEMENT_FILE = "statement_baltic_shield_sample.xlsx";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * Choose ``STATEMENT_FILE`` in the wizard's file input, as the file dialog
 * does. The file is the insurer's sample workbook of the demo data, which
 * the test put where the accountant can read it (an attachment of hers):
 * a tour cannot reach the file system.
 */
async function chooseStatementFile(input) {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", STATEMENT_FILE]], ["datas"]],
        kwargs: {limit: 1},
    });
    const response = await fetch(`data:${XLSX};base64,${attachment.datas}`);
    const file = new File([await response.blob()], STATEMENT_FILE, {type: XLSX});
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(file);
    input.files = dataTransfer.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
}

/**
 * The accountant's day (demo user Ieva Jankauskienė, Invoicing only):
 * invoice a policy's due premium instalment, register the client's payment,
 * then import an insurer's commission statement and confirm it.
 */
registry.category("web_tour.tours").add("insurance_accountant_tour", {
    url: "/odoo",
    steps: () => [
        // The premium: from the policy to its paid invoice.
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Insurance app",
            trigger: ".o_app[data-menu-xmlid='insurance_broker.menu_insurance_root']",
            run: "click",
        },
        {
            content: "Open the policies",
            trigger:
                ".o_main_navbar [data-menu-xmlid='insurance_broker.menu_insurance_policy']",
            run: "click",
        },
        {
            content: "Look for the policy",
            trigger: ".o_searchview_input",
            run: `edit ${POLICY} && press Enter`,
        },
        {
            trigger: `.o_searchview_facet:contains('${POLICY}')`,
        },
        {
            content: "Open it",
            trigger: `.o_list_view .o_data_row:contains('${POLICY}') td.o_data_cell`,
            run: "click",
        },
        {
            content: "Open its Invoicing page",
            trigger: ".o_form_view .o_notebook .nav-link[name=invoicing]",
            run: "click",
        },
        {
            content: "Its first instalment waits to be invoiced",
            trigger:
                ".o_field_widget[name=installment_ids] .o_data_row:first td[name=invoice_state]:contains('To Invoice')",
        },
        {
            content: "Invoice the due instalment",
            trigger: ".o_form_view button[name=action_invoice_due_installments]",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Posted')",
        },
        {
            trigger: `.o_form_view .o_field_widget[name=insurance_policy_id]:contains('${POLICY}')`,
        },
        {
            content: "Register the client's payment",
            trigger: ".o_form_view button[name=action_register_payment]",
            run: "click",
        },
        {
            content: "Create the payment",
            trigger: ".modal button[name=action_create_payments]",
            run: "click",
        },
        {
            content: "The invoice is paid",
            trigger:
                ".o_form_view .o_widget_web_ribbon span:contains('In Payment'), .o_form_view .o_widget_web_ribbon span:contains('Paid')",
        },
        {
            content: "Back to the policy",
            trigger: ".o_form_view button[name=action_open_insurance_policy]",
            run: "click",
        },
        {
            content: "Open its Invoicing page",
            trigger: ".o_form_view .o_notebook .nav-link[name=invoicing]",
            run: "click",
        },
        {
            content: "The instalment is paid",
            trigger:
                ".o_field_widget[name=installment_ids] .o_data_row:first td[name=invoice_state]:contains('Paid')",
        },
        // The insurer's commission statement.
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Invoicing",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Open the Insurance menu",
            trigger:
                ".o_main_navbar [data-menu-xmlid='insurance_broker_account.menu_insurance_accounting']",
            run: "click",
        },
        {
            content: "Import an insurer's statement",
            trigger:
                ".dropdown-item[data-menu-xmlid='insurance_broker_account.insurance_commission_statement_import_menu']",
            run: "click",
        },
        {
            content: "The statement is Baltic Shield's",
            trigger: ".modal .o_field_widget[name=insurer_id] input",
            run: "edit Baltic Shield",
        },
        {
            trigger:
                ".modal .o_field_widget[name=insurer_id] .o-autocomplete--dropdown-item a:contains('Baltic Shield Insurance UAB')",
            run: "click",
        },
        {
            content: "Choose the insurer's workbook",
            trigger: ".modal .o_field_widget[name=file] input[type=file]:not(:visible)",
            async run({anchor}) {
                await chooseStatementFile(anchor);
            },
        },
        {
            content: "The wizard reads the file's columns",
            trigger: ".modal .o_field_widget[name=file_columns]:contains('Policy No.')",
        },
        {
            trigger:
                ".modal .o_field_widget[name=column_commission] input:value('Commission')",
        },
        {
            content: "Import it",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "The statement's rows are matched",
            trigger: ".o_form_view .o_field_widget[name=matched_count]:contains('3')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=differing_count]:contains('1')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=unknown_count]:contains('1')",
        },
        {
            content: "Confirm what the insurer paid",
            trigger: ".o_form_view button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The statement is confirmed",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Confirmed')",
        },
    ],
});
