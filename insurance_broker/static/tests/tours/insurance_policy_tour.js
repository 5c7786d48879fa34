/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("insurance_broker_policy_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Insurance app",
            trigger: ".o_app[data-menu-xmlid='insurance_broker.menu_insurance_root']",
            run: "click",
        },
        {
            // The app opens on the pipelines when the CRM addon is installed.
            content: "Open the policies",
            trigger:
                ".o_menu_sections [data-menu-xmlid='insurance_broker.menu_insurance_policy']",
            run: "click",
        },
        {
            content: "Create a policy",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Type the policy number",
            trigger: ".o_field_widget[name=name] input",
            run: "edit TOUR-0001",
        },
        {
            content: "Type a new client's name",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Client",
        },
        {
            content: "Create the client on the fly",
            trigger:
                ".o_field_widget[name=partner_id] .o-autocomplete--dropdown-menu .o_m2o_dropdown_option_create a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input:value(Tour Client)",
        },
        {
            content: "Choose the insurer",
            trigger: ".o_field_widget[name=insurer_id] input",
            run: "edit Tour Insurer",
        },
        {
            trigger:
                ".o_field_widget[name=insurer_id] .o-autocomplete--dropdown-item a:contains('Tour Insurer')",
            run: "click",
        },
        {
            content: "Choose the product",
            trigger: ".o_field_widget[name=product_id] input",
            run: "edit Tour Travel",
        },
        {
            trigger:
                ".o_field_widget[name=product_id] .o-autocomplete--dropdown-item a:contains('Tour Travel')",
            run: "click",
        },
        {
            content: "Pay quarterly",
            trigger: ".o_field_widget[name=payment_frequency] select",
            run: 'select "quarterly"',
        },
        {
            content: "Type the premium",
            trigger: ".o_field_widget[name=premium] input",
            run: "edit 1000",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Confirm the policy",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('In Force')",
        },
        {
            content: "Open the instalments",
            trigger: ".o_notebook a.nav-link:contains('Instalments')",
            run: "click",
        },
        {
            content: "Four quarterly instalments are planned",
            trigger: ".o_field_widget[name=installment_ids] .o_data_row:nth-child(4)",
        },
        {
            trigger:
                ".o_field_widget[name=installment_ids] .o_data_row:contains('250.00')",
        },
    ],
});
