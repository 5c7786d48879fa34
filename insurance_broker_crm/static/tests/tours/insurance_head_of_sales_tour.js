/** @odoo-module **/

import {
    moveToStage,
    pickInMany2one,
} from "@insurance_broker_crm/../tests/tours/insurance_tour_utils";
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// The renewal deal of the policy confirmed in
// tests/test_role_tours.py, in its last month.
const DEAL = "Renewal of TOUR-HOS-0001";
const TASK = "Assign a renewal manager";

/**
 * The head of sales' day (demo user Daiva Petraitienė): among her tasks, a
 * renewal in its last month whose client manager is not in the renewal
 * team; she gives it to a renewal manager, closes her task and puts the
 * deal into work, where the manager's task waits.
 */
registry.category("web_tour.tours").add("insurance_head_of_sales_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open CRM",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the Sales menu",
            trigger:
                ".o_main_navbar .dropdown-toggle[data-menu-xmlid='crm.crm_menu_sales']",
            run: "click",
        },
        {
            content: "Open her tasks",
            trigger:
                ".dropdown-item[data-menu-xmlid='crm.crm_lead_menu_my_activities']",
            run: "click",
        },
        {
            content: "Look for the policy among her tasks",
            trigger: ".o_searchview_input",
            run: "edit TOUR-HOS-0001 && press Enter",
        },
        {
            content: "Open the renewal waiting for a manager",
            trigger: `.o_list_view .o_data_row:contains('${DEAL}') td.o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "The deal is in its last month",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Last month')",
        },
        {
            content: "Her task asks her to assign a renewal manager",
            trigger: `.o-mail-Activity:contains('${TASK}'):contains('Daiva Petraitienė')`,
        },
        ...pickInMany2one("user_id", "Giedr", "Giedrė Stankevičienė"),
        {
            content: "Save the deal",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Mark her task done",
            trigger: `.o-mail-Activity:contains('${TASK}') .o-mail-Activity-markDone`,
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Given to Giedrė",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']",
            run: "click",
        },
        {
            content: "Her task is gone from the deal",
            trigger: `.o-mail-Chatter:not(:has(.o-mail-Activity:contains('${TASK}')))`,
        },
        ...moveToStage("Take into work"),
        {
            content: "The renewal manager's task waits",
            trigger:
                ".o-mail-Activity:contains('Take the client into work'):contains('Giedrė Stankevičienė')",
        },
    ],
});
