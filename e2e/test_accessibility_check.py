"""The accessibility check bites: a page made to break WCAG is reported, with the rule and the element."""


def test_a_page_that_breaks_wcag_is_reported_before_the_test_leaves_it(server, page, accessibility):
    if accessibility.script is None:
        return  # axe-core is not installed here (npm ci --prefix e2e): nothing to show
    # given a page whose document gains an image without a text alternative and a nameless button
    page.goto(f"{server}/accounts/login/")
    page.evaluate(
        """() => {
        const main = document.querySelector("main");
        main.insertAdjacentHTML("beforeend", '<img id="planted-img" src="/static/favicon.svg">');
        main.insertAdjacentHTML("beforeend", '<button id="planted-button"></button>');
    }"""
    )

    # when the test acts on the page (here it reloads it), the document it leaves is checked
    page.reload()

    # then both violations are reported with their rule, impact and element
    found = {(v.id, v.impact, tuple(v.targets)) for v in accessibility.violations}
    assert ("image-alt", "critical", ("#planted-img",)) in found, accessibility.report()
    assert ("button-name", "critical", ("#planted-button",)) in found, accessibility.report()
    assert "/accounts/login/" in accessibility.report()
    # and the reloaded page, as served, has none: the test passes
    accessibility.violations.clear()
