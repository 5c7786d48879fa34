/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// An accountant registers the payment of a premium instalment invoice in
// Invoicing and sees the policy's instalment paid.
registry.category("web_tour.tours").add("insurance_premium_payment_tour", {
    url: "/odoo",
    steps: () => [
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
            content: "Open the premium invoices",
            trigger:
                ".dropdown-item[data-menu-xmlid='insurance_broker_account.menu_account_move_insurance_premium']",
            run: "click",
        },
        {
            content: "Open the tour policy's invoice",
            trigger: ".o_data_row:contains('TOUR-PAY-0001') td.o_data_cell",
            run: "click",
        },
        {
            content: "Register the payment",
            trigger: "button[name=action_register_payment]",
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
                ".o_widget_web_ribbon span:contains(In Payment), .o_widget_web_ribbon span:contains(Paid)",
        },
        {
            content: "Open the policy",
            trigger: "button[name=action_open_insurance_policy]",
            run: "click",
        },
        {
            content: "Open its Invoicing page",
            trigger: ".o_notebook .nav-link[name=invoicing]",
            run: "click",
        },
        {
            content: "The instalment is paid",
            trigger:
                ".o_field_widget[name=installment_ids] .o_data_row:first td[name=invoice_state]:contains(Paid)",
        },
    ],
});
