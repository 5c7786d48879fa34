/** @odoo-module **/

import {isVisible, queryAll, waitFor} from "@odoo/hoot-dom";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/**
 * Insurance › Pipelines › <pipeline>: the way a user opens a pipeline from
 * the home screen, whatever their home action shows first.
 */
export function openInsurancePipeline(menuXmlid, title) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Insurance app",
            trigger: ".o_app[data-menu-xmlid='insurance_broker.menu_insurance_root']",
            run: "click",
        },
        {
            content: "Open the pipelines menu",
            trigger:
                ".o_main_navbar [data-menu-xmlid='insurance_broker_crm.menu_insurance_pipelines']",
            run: "click",
        },
        {
            content: `Open the ${title}`,
            trigger: `.dropdown-item[data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
        {
            content: `The ${title} is shown`,
            trigger: `.o_breadcrumb:contains('${title}')`,
        },
        {
            trigger: ".o_kanban_renderer",
        },
    ];
}

/**
 * Click the stage in the form's status bar, wherever it is: in the bar, or
 * in one of its "..." menus (folded stages, or stages hidden when the bar
 * is too narrow). Then wait until the deal is saved in that stage.
 */
export function moveToStage(stage) {
    return [
        {
            content: `Move the deal to ${stage}`,
            trigger: ".o_form_view .o_statusbar_status",
            async run(helpers) {
                const button = queryAll(
                    ".o_form_view .o_statusbar_status .o_arrow_button:not(.dropdown-toggle)"
                ).find((el) => isVisible(el) && el.textContent.trim() === stage);
                if (button) {
                    await helpers.click(button);
                    return;
                }
                const toggles = queryAll(
                    ".o_form_view .o_statusbar_status .dropdown-toggle"
                ).filter(isVisible);
                for (const toggle of toggles) {
                    await helpers.click(toggle);
                    await waitFor(".o-dropdown--menu .dropdown-item");
                    const item = queryAll(".o-dropdown--menu .dropdown-item").find(
                        (el) => el.textContent.trim() === stage
                    );
                    if (item) {
                        await helpers.click(item);
                        return;
                    }
                    await helpers.click(toggle); // close it, try the next one
                }
                throw new Error(`No stage "${stage}" in the status bar`);
            },
        },
        {
            content: `The deal is in ${stage}`,
            trigger: `.o_form_view .o_statusbar_status .o_arrow_button_current:contains('${stage}')`,
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
    ];
}

/** Open a page of the deal's form by its name. */
export function openFormTab(name, label) {
    return {
        content: `Open the ${label} tab`,
        trigger: `.o_form_view .o_notebook a.nav-link[name=${name}]`,
        run: "click",
    };
}

/** Type in a many2one field and pick the record named ``name``. */
export function pickInMany2one(field, search, name) {
    return [
        {
            content: `Search ${name} in ${field}`,
            trigger: `.o_form_view .o_field_widget[name=${field}] input`,
            run: `edit ${search}`,
        },
        {
            content: `Pick ${name}`,
            trigger: `.o_field_widget[name=${field}] .o-autocomplete--dropdown-item a:contains('${name}')`,
            run: "click",
        },
        {
            trigger: `.o_form_view .o_field_widget[name=${field}] input:value('${name}')`,
        },
    ];
}
