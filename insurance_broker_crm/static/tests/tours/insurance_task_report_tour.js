/** @odoo-module **/

import {registry} from "@web/core/registry";

// Prepared by tests/test_ui_task_report.py: a late open task of Lukas's and
// a task he did late, for the waiting insurer.
const LATE_TASK = "Tour late task";

registry.category("web_tour.tours").add("insurance_task_report_tour", {
    url: "/odoo/action-insurance_broker_crm.insurance_task_report_action_late_now",
    steps: () => [
        {
            content: "The late tasks, by the user they are assigned to",
            trigger: ".o_list_view .o_group_header:contains('Lukas Vaitkus')",
            run: "click",
        },
        {
            content: "Lukas's late task is listed, with the days it is overdue",
            trigger: `.o_list_view .o_data_row:contains('${LATE_TASK}') td[name=days_overdue]`,
        },
        {
            content: "Open its deal from the list",
            trigger: `.o_list_view .o_data_row:contains('${LATE_TASK}') td[name=summary]`,
            run: "click",
        },
        {
            content: "The deal of the late task opens",
            trigger: ".o_form_view .o_breadcrumb:contains('Tour task deal')",
        },
        {
            content: "Open the task analysis from the Reporting menu",
            trigger: ".o_main_navbar .dropdown-toggle:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Tasks'):not(:contains('Late'))",
            run: "click",
        },
        {
            content:
                "The pivot shows the tasks by type, with the lateness reason's task",
            trigger:
                ".o_pivot .o_pivot_header_cell_closed:contains('Get the missing data')",
        },
        {
            content: "The measures: tasks, done late and cost",
            trigger: ".o_pivot th:contains('Done Late')",
        },
        {
            content: "Open the efficiency analysis from the Reporting menu",
            trigger: ".o_main_navbar .dropdown-toggle:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Efficiency')",
            run: "click",
        },
        {
            content: "The pivot shows the commission less the tasks' cost: the profit",
            trigger: ".o_pivot th:contains('Profit')",
        },
    ],
});
