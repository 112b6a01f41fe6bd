package modrelay.loadtests.access;

import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.loadtests.fixture.TestHttp;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import modrelay.loadtests.fakes.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The admin console in headless Chromium against a real relay (fake upstream, keyword moderator,
 * chat log on): sign-in, a sub-key's life from the page to the openai-java client and back, a cut in
 * the audit view, the configuration page, phone width and Chinese, and a screenshot of every page
 * under target/console-screenshots. Every wait is an explicit wait on page state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    @RegisterExtension
    static final RelayFixture SCOPE = RelayFixture.scope();
    static final String TOKEN = "console-admin-token-0123456789";
    static final String UPSTREAM_KEY = "sk-server-side-console-0123456789";
    static final String PROXY_KEY = "pk-operator-console-0123456789";

    @TempDir
    static Path dir;
    private static FakeUpstream upstream;
    private static RunningRelay relay;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dir.resolve("profile"));
        upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(java.time.Duration.ZERO));
        Path keywords = dir.resolve("keywords.txt");
        Files.writeString(keywords, "forbiddenword\n");
        relay = SCOPE.startIn(upstream, Map.of("ADMIN_TOKEN", TOKEN, "DATA_DIR", dir.resolve("db").toString(),
                "OPENAI_KEY", UPSTREAM_KEY, "PROXY_KEY", PROXY_KEY, "MODERATION_KEYWORDS_FILE", keywords.toString(),
                "LOG_CHAT", "true", "LOG_DIR", dir.resolve("logs").toString(), "SUBKEY_REFRESH", "0"), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (relay != null) relay.close();
        if (upstream != null) upstream.close();
    }

    @AfterEach
    void noPolicyViolations() {
        for (String m : browser.consoleMessages()) {
            assertFalse(m.contains("Content Security Policy") || m.contains("Refused to"), "the page broke its own CSP: " + m);
        }
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(relay.v1()).maxRetries(0).build();
    }

    private static ChatCompletion chat(String key, String reply) {
        return client(key).chat().completions().create(ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI)
                .addUserMessage("say:" + reply).build());
    }

    /** A sub-key made in the keys page: its name, the secret the page shows once, and its row in the table. */
    private record KeyMade(String name, String secret, WebElement row) {}

    /** Opens the new-key form, names the key {@code prefix} plus a random part, fills {@code fields} (input id → text), saves. */
    private KeyMade newKeyInPage(String prefix, Map<String, String> fields) {
        String name = prefix + UUID.randomUUID().toString().substring(0, 8);
        browser.visible(By.id("key-new")).click();
        browser.visible(By.id("kf-name")).sendKeys(name);
        fields.forEach((field, text) -> browser.driver.findElement(By.id(field)).sendKeys(text));
        browser.driver.findElement(By.id("kf-save")).click();
        String secret = browser.visible(By.id("new-secret-value")).getAttribute("value");
        WebElement row = browser.visible(By.xpath("//table[@id='keys-table']//tr[.//strong[text()='" + name + "']]"));
        return new KeyMade(name, secret, row);
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedAndTheRightOneSignsIn() throws Exception {
        browser.page(relay.baseUrl(), "#/overview");
        browser.js("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        browser.visible(By.id("token")).sendKeys("not-the-admin-token-at-all");
        browser.driver.findElement(By.id("signin-submit")).click();
        WebElement error = browser.visible(By.id("signin-error"));
        assertEquals("The admin token was refused.", error.getText());
        assertNull(browser.js("return sessionStorage.getItem('modrelay.admin.token')"), "a refused token is not kept");
        assertTrue(browser.driver.findElements(By.cssSelector("#nav a")).isEmpty(), "no pages without a token");
        browser.screenshot("signin-refused");

        WebElement input = browser.driver.findElement(By.id("token"));
        input.clear();
        input.sendKeys(TOKEN);
        browser.driver.findElement(By.id("signin-submit")).click();
        browser.loaded("overview");
        assertEquals(TOKEN, browser.js("return sessionStorage.getItem('modrelay.admin.token')"));
        assertNull(browser.js("return localStorage.getItem('modrelay.admin.token')"), "the token lives in the tab only");
        assertEquals("default", browser.visible(By.cssSelector("#ov-upstream-table tr[data-upstream='default'] td")).getText());
        assertTrue(browser.driver.findElement(By.id("ov-upstream-table")).getText().contains("key-1"),
                "the upstream key's alias and state are shown");
        assertFalse(browser.driver.getPageSource().contains(UPSTREAM_KEY), "never the upstream key itself");
    }

    @Test
    @Order(2)
    void aSubKeyMadeInThePageWorksShowsInUsageAndStopsWhenRevokedThere() throws Exception {
        browser.signIn(relay.baseUrl(), TOKEN);
        browser.page(relay.baseUrl(), "#/keys");
        browser.loaded("keys");
        KeyMade made = newKeyInPage("acme-", Map.of("kf-rpm", "600", "kf-allowed", "gpt-4o*"));
        String name = made.name();
        String secret = made.secret();
        assertTrue(secret.matches("mr-[0-9A-Za-z]{40}"), secret);
        browser.driver.findElement(By.id("copy-secret")).click();
        browser.wait.until(d -> !d.findElement(By.id("new-secret-copied")).getText().isEmpty());
        WebElement row = made.row();
        String id = row.getAttribute("data-key");
        assertTrue(row.getText().contains("600 rpm") && row.getText().contains("+gpt-4o*"), row.getText());
        browser.screenshot("keys-created");

        // The key from the page, through the relay, with the official client.
        ChatCompletion answer = chat(secret, "Hello from a console key.");
        assertEquals("Hello from a console key.", answer.choices().get(0).message().content().orElseThrow());

        // The list no longer shows the secret once the page is left.
        browser.page(relay.baseUrl(), "#/overview");
        browser.loaded("overview");
        browser.page(relay.baseUrl(), "#/keys");
        browser.loaded("keys");
        WebElement used = browser.visible(By.cssSelector("tr[data-key='" + id + "']"));
        assertTrue(used.getText().startsWith(name), used.getText());
        assertFalse(browser.driver.getPageSource().contains(secret), "the secret is shown once, at creation");
        browser.screenshot("keys");

        usageShows(id);

        // Edit in the page: only what changed is sent (the key's other settings stay).
        browser.page(relay.baseUrl(), "#/keys");
        browser.loaded("keys");
        boolean budgets = TestHttp.body(TestHttp.get(relay.baseUrl() + "/admin/keys/" + id, "Bearer " + TOKEN)).has("token_budget");
        browser.visible(By.id("edit-" + id)).click();
        if (budgets) browser.visible(By.id("kf-tokens-per-day")).sendKeys("100000");
        WebElement rpm = browser.visible(By.id("kf-rpm"));
        rpm.clear();
        rpm.sendKeys("120");
        browser.driver.findElement(By.id("kf-remaining")).sendKeys("50");
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("kf-floor"))).selectByValue("high");
        browser.driver.findElement(By.id("kf-save")).click();
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-key='" + id + "']"), "120 rpm"));
        String edited = browser.driver.findElement(By.cssSelector("tr[data-key='" + id + "']")).getText();
        assertTrue(edited.contains("50 remaining requests") && edited.contains("high") && edited.contains("+gpt-4o*"), edited);
        JsonNode shown = TestHttp.body(TestHttp.get(relay.baseUrl() + "/admin/keys/" + id, "Bearer " + TOKEN));
        assertEquals(120, shown.get("requests_per_minute").asInt());
        assertEquals(50, shown.get("remaining_requests").asInt());
        assertEquals("high", shown.get("moderation_floor").asText());
        assertEquals(name, shown.get("name").asText());
        if (budgets) {
            assertEquals(100000, shown.get("tokens_per_day").asLong(), "a budget set in the page: " + shown);
            assertTrue(shown.get("token_budget").isNull(), "budgets left blank stay unset: " + shown);
        } else {
            System.out.println("console test: sub-keys have no budgets on this relay; the budget edit was not exercised");
        }

        browser.page(relay.baseUrl(), "#/keys");
        browser.loaded("keys");
        browser.visible(By.id("revoke-" + id)).click();
        browser.visible(By.id("confirm-revoke-" + id)).click();
        browser.wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-key='" + id + "'] td:nth-child(3)"), "revoked"));
        assertThrows(UnauthorizedException.class, () -> chat(secret, "Still there?"), "a key revoked in the page answers 401");
    }

    /** GET /admin/usage comes with the usage work (issue 13); until it is in, the page says so and this checks that. */
    private void usageShows(String id) throws Exception {
        HttpResponse<String> probe = TestHttp.get(relay.baseUrl() + "/admin/usage", "Bearer " + TOKEN);
        browser.page(relay.baseUrl(), "#/usage");
        if (probe.statusCode() == 404) {
            assertFalse(browser.visible(By.id("usage-missing")).getText().isEmpty());
            System.out.println("console test: GET /admin/usage is not on this relay; the usage assertions ran against its absence");
            browser.screenshot("usage");
            return;
        }
        browser.loaded("usage");
        WebElement key = browser.visible(By.id("usage-key"));
        key.sendKeys(id);
        long groups = browser.driver.findElements(By.cssSelector("#usage-form input[type=checkbox]:checked")).size();
        // The relay records an exchange as its body ends, just after the client read it: ask again until it is in.
        browser.wait.ignoring(StaleElementReferenceException.class).until(d -> {
            List<WebElement> totals = d.findElements(By.cssSelector("#usage-totals td"));
            if (!totals.isEmpty() && Long.parseLong(totals.get((int) groups).getText().replace(",", "")) >= 1
                    && d.findElement(By.id("usage-table")).getText().contains(id)) {
                return true;
            }
            d.findElement(By.id("usage-show")).click();
            return false;
        });
        for (WebElement row : browser.driver.findElements(By.cssSelector("#usage-table tbody tr:not(.totals)"))) {
            assertTrue(row.getText().contains(id), "only the key asked for: " + row.getText());
        }
        browser.visible(By.id("usage-chart"));
        browser.screenshot("usage");
    }

    @Test
    @Order(3)
    void aBindingSetInThePageReachesTheUpstreamAndABadValueShowsTheApisMessage() throws Exception {
        browser.signIn(relay.baseUrl(), TOKEN);
        browser.page(relay.baseUrl(), "#/keys");
        browser.loaded("keys");
        KeyMade made = newKeyInPage("bound-", Map.of("kf-defaults", "{\"temperature\": 0.25}", "kf-caps", "{\"max_tokens\": 100}"));
        String secret = made.secret();
        WebElement row = made.row();
        String id = row.getAttribute("data-key");
        By binding = By.cssSelector("tr[data-key='" + id + "'] td.binding");
        assertTrue(browser.driver.findElement(binding).getText().contains("temperature = 0.25"), row.getText());
        assertTrue(browser.driver.findElement(binding).getText().contains("max_tokens ≤ 100"), row.getText());

        // A value the admin API refuses: its message, naming the field, is shown in the form, and nothing changes.
        browser.visible(By.id("edit-" + id)).click();
        WebElement caps = browser.visible(By.id("kf-caps"));
        assertEquals("{\"max_tokens\":100}", caps.getAttribute("value"), "the edit form shows the key's caps");
        caps.clear();
        caps.sendKeys("max_tokens=64");
        browser.driver.findElement(By.id("kf-save")).click();
        WebElement error = browser.visible(By.id("kf-error"));
        assertTrue(error.getText().contains("'caps' must be an object"), error.getText());
        assertEquals(100, TestHttp.body(TestHttp.get(relay.baseUrl() + "/admin/keys/" + id, "Bearer " + TOKEN)).at("/caps/max_tokens").asInt());
        WebElement model = browser.driver.findElement(By.id("kf-model"));
        model.sendKeys("gpt 4o");
        caps.clear();
        caps.sendKeys("{\"max_tokens\": 64}");
        browser.driver.findElement(By.id("kf-save")).click();
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("kf-error"), "'model'"));
        model.clear();
        model.sendKeys("gpt-4o-2024-08-06");
        browser.driver.findElement(By.id("kf-save")).click();
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(binding, "max_tokens ≤ 64"));
        String shown = browser.driver.findElement(binding).getText();
        assertTrue(shown.contains("model gpt-4o-2024-08-06") && shown.contains("temperature = 0.25"), shown);
        browser.screenshot("keys-binding");

        // Through the relay: the fake upstream receives the default, the cap and the pinned model.
        String say = "Bound through the console " + UUID.randomUUID() + ".";
        HttpResponse<String> r = TestHttp.post(relay.v1() + "/chat/completions", "Bearer " + secret,
                "{\"model\":\"gpt-4o-mini\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"say:" + say + "\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode sent = sentWith(say);
        assertEquals(64, sent.get("max_tokens").asInt(), "capped: " + sent);
        assertEquals(0.25, sent.get("temperature").asDouble(), "the default: " + sent);
        assertEquals("gpt-4o-2024-08-06", sent.get("model").asText(), "the pinned model: " + sent);

        // Cleared in the page: the defaults go, the rest stays.
        browser.visible(By.id("edit-" + id)).click();
        browser.visible(By.id("kf-defaults")).clear();
        browser.driver.findElement(By.id("kf-save")).click();
        browser.wait.until(ExpectedConditions.not(ExpectedConditions.textToBePresentInElementLocated(binding, "temperature")));
        JsonNode key = TestHttp.body(TestHttp.get(relay.baseUrl() + "/admin/keys/" + id, "Bearer " + TOKEN));
        assertEquals("{}", key.get("defaults").toString());
        assertEquals(64, key.at("/caps/max_tokens").asInt());
        assertEquals("gpt-4o-2024-08-06", key.get("model").asText());
        String again = "Unbound default " + UUID.randomUUID() + ".";
        assertEquals(200, TestHttp.post(relay.v1() + "/chat/completions", "Bearer " + secret, TestHttp.chat("gpt-4o-mini", again))
                .statusCode());
        assertFalse(sentWith(again).has("temperature"), "a cleared default is no longer sent");
    }

    /** The chat request body the fake upstream received whose prompt holds {@code say}. */
    private static JsonNode sentWith(String say) throws Exception {
        for (FakeUpstream.RecordedRequest q : upstream.requests()) {
            if (q.path().equals("/v1/chat/completions") && q.bodyText().contains(say)) return TestHttp.json(q.bodyText());
        }
        throw new AssertionError("the fake upstream got no chat request saying " + say);
    }

    @Test
    @Order(4)
    void aCutStreamShowsInTheAuditViewWithItsRequestIdAndNoText() throws Exception {
        String requestId = "console-cut-" + UUID.randomUUID();
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"moderation\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"say:Fine start. Then forbiddenword appears here. The end.\"}]}";
        HttpResponse<String> r = TestHttp.call("POST", relay.v1() + "/chat/completions", "Bearer " + PROXY_KEY, body,
                "X-Request-Id", requestId);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("content_filter"), "the keyword moderator cut the stream: " + r.body());

        browser.signIn(relay.baseUrl(), TOKEN);
        browser.page(relay.baseUrl(), "#/audit");
        WebElement row = browser.visible(By.cssSelector("#audit-table tr[data-request='" + requestId + "']"));
        String text = row.getText();
        assertTrue(text.contains(requestId) && text.contains("cut (verdict)") && text.contains("keywords")
                && text.contains("forbiddenword") && text.contains("key-1"), text);
        assertFalse(browser.driver.getPageSource().contains("Then forbiddenword appears"), "the audit view never shows the text");
        browser.screenshot("audit");

        // LOG_CHAT is on: the row links to the exchange's chat log entry (written once the exchange has ended).
        By link = By.cssSelector("#audit-table tr[data-request='" + requestId + "'] a.request-id");
        browser.wait.ignoring(StaleElementReferenceException.class).until(d -> {
            if (!d.findElements(By.id("chat-reply")).isEmpty()) return true;
            d.findElement(link).click();
            return false;
        });
        assertTrue(browser.visible(By.id("chat-reply")).getText().startsWith("Fine start."));
        browser.screenshot("audit-chat-entry");
    }

    @Test
    @Order(5)
    void theConfigurationPageShowsTheSettingsWithoutASecretAndReloads() throws Exception {
        browser.signIn(relay.baseUrl(), TOKEN);
        browser.page(relay.baseUrl(), "#/config");
        browser.loaded("config");
        String page = browser.driver.getPageSource();
        for (String secret : List.of(TOKEN, UPSTREAM_KEY, PROXY_KEY)) assertFalse(page.contains(secret), "a secret on the page");
        assertTrue(browser.driver.findElement(By.id("config-access")).getText().contains("[redacted]"));
        assertTrue(browser.driver.findElement(By.id("config-server")).getText().contains("127.0.0.1"));
        browser.driver.findElement(By.id("config-reload")).click();
        browser.wait.until(ExpectedConditions.textMatches(By.id("config-note"), java.util.regex.Pattern.compile("Reloaded: .*sub-keys")));
        browser.screenshot("config");
    }

    @Test
    @Order(6)
    void onAPhoneNothingOverflowsAndChineseIsOneClickAway() throws Exception {
        chat(PROXY_KEY, "Some traffic for the overview.");
        browser.signIn(relay.baseUrl(), TOKEN);
        try {
            browser.size(390, 844);
            for (String page : List.of("overview", "keys", "upstreams", "audit", "config")) {
                browser.page(relay.baseUrl(), "#/" + page);
                browser.loaded(page);
                Number overflow = (Number) browser.js("return document.documentElement.scrollWidth - window.innerWidth");
                assertTrue(overflow.intValue() <= 0, page + " is wider than a phone by " + overflow + " px");
            }
            browser.page(relay.baseUrl(), "#/overview");
            browser.loaded("overview");
            browser.screenshot("overview-phone");
            browser.size(1280, 900);
            browser.driver.findElement(By.id("lang")).click();
            browser.wait.until(ExpectedConditions.textToBe(By.id("nav-overview"), "概览"));
            browser.loaded("overview");
            assertEquals("子密钥", browser.driver.findElement(By.id("nav-keys")).getText());
            Object both = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                    + "import('./assets/i18n.js').then(m => done([m.keys('en').sort().join(','), m.keys('zh').sort().join(',')]));");
            List<?> keys = (List<?>) both;
            assertEquals(keys.get(0), keys.get(1), "every English string has its Chinese one and no more");
            browser.screenshot("overview-zh");
        } finally {
            browser.size(1280, 900);
            browser.js("localStorage.setItem('modrelay.console.lang', 'en')");
        }
    }

    /** The screenshots for the README, and the two numbers of the issue: page weight and time to the overview's data. */
    @Test
    @Order(7)
    void overviewScreenshotPageWeightAndTimeToData() throws Exception {
        browser.signIn(relay.baseUrl(), TOKEN);
        browser.driver.navigate().refresh();
        browser.loaded("overview");
        Number toData = (Number) browser.js("return performance.getEntriesByName('modrelay-overview-data')[0].startTime");
        Number weight = (Number) browser.js("const nav = performance.getEntriesByType('navigation')[0];"
                + "return nav.encodedBodySize + performance.getEntriesByType('resource')"
                + ".filter(r => r.initiatorType !== 'fetch').reduce((a, r) => a + r.encodedBodySize, 0)");
        Number assets = (Number) browser.js("return performance.getEntriesByType('resource')"
                + ".filter(r => r.initiatorType !== 'fetch').length + 1");
        String line = String.format("console: %d files, %d bytes; overview data shown %.0f ms after navigation start%n",
                assets.intValue(), weight.longValue(), toData.doubleValue());
        System.out.print(line);
        Files.createDirectories(Browser.SCREENSHOTS);
        Files.writeString(Browser.SCREENSHOTS.resolve("measure.txt"), line, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        assertTrue(weight.longValue() > 0 && toData.doubleValue() > 0);
        // Let the rates fill in (a second look after at least a second) for the picture.
        browser.wait.until(d -> !d.findElement(By.cssSelector("#ov-rps .value")).getText().equals("—"));
        browser.screenshot("overview");
    }

    /** Live upstreams from the page: a key added there is the key the upstream sees next, and the page never shows it. */
    @Test
    @Order(7)
    void anUpstreamKeyAddedOnTheUpstreamsPageIsUsedAndShownOnlyAsAHint() throws Exception {
        browser.signIn(relay.baseUrl(), TOKEN);
        browser.page(relay.baseUrl(), "#/upstreams");
        browser.loaded("upstreams");
        WebElement row = browser.visible(By.cssSelector("#upstreams-table tr[data-upstream='default']"));
        assertTrue(row.getText().contains("sk-…6789"), row.getText());
        String added = "sk-added-in-the-console-4242";
        row.findElement(By.cssSelector("input.key-input")).sendKeys(added);
        row.findElement(By.cssSelector("form button[type='submit']")).click();
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#upstreams-table tr[data-upstream='default']"), "sk-…4242"));
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upstreams-audit-table"), "add_keys"));
        assertFalse(browser.driver.getPageSource().contains(added), "never the key itself");
        assertFalse(browser.driver.getPageSource().contains(UPSTREAM_KEY));
        browser.screenshot("upstreams");

        int before = upstream.requests().size();
        for (int i = 0; i < 2; i++) chat(PROXY_KEY, "Round and round.");
        List<String> used = upstream.requests().subList(before, upstream.requests().size()).stream()
                .filter(r -> r.path().equals("/v1/chat/completions")).map(r -> r.header("authorization")).toList();
        assertTrue(used.contains("Bearer " + added), "the key added live takes its turn in the rotation: " + used.size());
    }
}
