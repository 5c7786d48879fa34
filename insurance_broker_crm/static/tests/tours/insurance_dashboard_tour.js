/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const DASHBOARD = "Insurance broker";
// The Data sheet's figures: premium, commission, policies this month,
// renewals due, renewal rate, open and late tasks, tasks done, share on
// time, deals entered and conversion.
const DATA_CELLS = [
    "B2",
    "B3",
    "B5",
    "B6",
    "B8",
    "B9",
    "B10",
    "B11",
    "B13",
    "B14",
    "B16",
];

/**
 * The spreadsheet model of the dashboard shown: the scorecards and cells are
 * drawn on a canvas, so their values are read from the model.
 */
function dashboardModel() {
    const nodes = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (nodes.length) {
        const node = nodes.pop();
        const model = node.component?.state?.activeDashboard?.model;
        if (model) {
            return model;
        }
        nodes.push(...Object.values(node.children));
    }
    return undefined;
}

function isLoading(cell) {
    return cell.type === "error" && cell.value === "Loading...";
}

/**
 * Wait for the cells (sheet name, "A1" references) to be evaluated, then
 * return them; fail when one is still loading after 20 seconds.
 */
async function evaluatedCells(sheetName, references) {
    const deadline = Date.now() + 20000;
    for (;;) {
        const model = dashboardModel();
        if (model) {
            const sheetId = model.getters.getSheetIdByName(sheetName);
            const cells = Object.fromEntries(
                references.map((reference) => {
                    const col = reference.charCodeAt(0) - 65;
                    const row = Number(reference.slice(1)) - 1;
                    return [
                        reference,
                        model.getters.getEvaluatedCell({sheetId, col, row}),
                    ];
                })
            );
            if (!Object.values(cells).some(isLoading)) {
                return cells;
            }
        }
        if (Date.now() > deadline) {
            throw new Error(`The cells of ${sheetName} are still loading`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

function checkNoError(cells) {
    for (const [reference, cell] of Object.entries(cells)) {
        if (cell.type === "error") {
            throw new Error(
                `${reference} shows an error: ${cell.value} ${cell.message}`
            );
        }
    }
}

registry.category("web_tour.tours").add("insurance_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Dashboards",
            trigger:
                ".o_app[data-menu-xmlid='spreadsheet_dashboard.spreadsheet_dashboard_menu_root']",
            run: "click",
        },
        {
            content: "The Insurance group lists the Insurance broker dashboard",
            trigger: `.o_search_panel_category_value[data-name='${DASHBOARD}']`,
            run: "click",
        },
        {
            trigger: `.o_search_panel_category_value.active[data-name='${DASHBOARD}']`,
        },
        {
            content: "The scorecards are drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-scorecard",
        },
        {
            content: "The year filter is shown",
            trigger: ".o_spreadsheet_dashboard_action .o_filter_value_container",
        },
        {
            content: "The headline figures are loaded, without an error",
            trigger: ".o_spreadsheet_dashboard_action .o-scorecard",
            async run() {
                const data = await evaluatedCells("Data", DATA_CELLS);
                checkNoError(data);
                if (typeof data.B2.value !== "number" || data.B2.value <= 0) {
                    throw new Error(`No premium this year: ${data.B2.value}`);
                }
                if (typeof data.B9.value !== "number" || data.B9.value <= 0) {
                    throw new Error(`No open task: ${data.B9.value}`);
                }
                const table = await evaluatedCells("Dashboard", [
                    "A30",
                    "C30",
                    "F30",
                    "G30",
                ]);
                checkNoError(table);
                if (!table.A30.value || !table.F30.value) {
                    throw new Error(
                        "The top salesperson or the first stage is missing"
                    );
                }
            },
        },
    ],
});
