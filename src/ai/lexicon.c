/* The lexicon of the offline engine's text layer (docs/design.md "AI"): which words and phrases
 * count as the same point. Two sources: the built-in table of domain synonyms below ("db" ~
 * "database", "latency" ~ "response time"), and WordNet (ai/wordnet.c), read once when the
 * engine is created for the words of the question bank's key points. Also the compiling and
 * finding of key-point terms in a tokenised text, where the lexicon is used. A lexicon is built
 * once and read-only afterwards, so every thread can use it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/text_private.h"
#include "ai/textutil.h"
#include "ai/wordnet.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"

#define PREFIX_MIN      5 /* letters a term word needs before it may match the words it begins */
#define STEM_PREFIX_MIN 6 /* letters a stem needs before it may match longer stems */

#define GROUP_MAX 10

/* Synonym groups: words and phrases that show the same point. The first single word of a group
 * is its canonical form; every other single word is stemmed to it, and phrases become variants
 * of the terms that contain a member. Kept general: the same words mean the same thing in any
 * question of any role. After the general groups come the plain, brand, British and abbreviated
 * names candidates use for the question bank's key-point terms, by profession ("paracetamol" ~
 * "acetaminophen", "net profit" ~ "net income"); a word that means something else in another
 * field stays out ("bp", "stock", "sats"), and no group joins two key points of one question
 * (docs/design.md "AI"). */
static const char *const synonym_groups[][GROUP_MAX] = {
    { "database", "db" },
    { "kubernetes", "k8s" },
    { "postgresql", "postgres" },
    { "javascript", "js" },
    { "latency", "lag", "response time" },
    { "customer", "client" },
    { "colleague", "coworker", "teammate", "co worker", "team member" },
    { "manager", "boss", "supervisor", "line manager" },
    { "test", "verify" },
    { "mistake", "error", "blunder", "slip up" },
    { "fail", "failure", "broke", "broken", "went wrong", "fell through" },
    { "problem", "issue" },
    { "goal", "aim" },
    { "result", "outcome", "as a result", "led to", "resulting in" },
    { "learn", "lesson", "takeaway", "realize", "taught me", "took away" },
    { "improve", "enhance", "get better", "getting better" },
    { "reduce", "decrease", "shrink", "minimize", "lower", "cut down" },
    { "increase", "boost" },
    { "fast", "quick", "rapid", "speedy" },
    { "decide", "decision", "choose", "choice", "chose", "chosen" },
    { "disagree", "disagreement", "conflict", "clash", "dispute" },
    { "responsible", "responsibility", "accountable", "accountability" },
    { "priority", "prioritize", "prioritization" },
    { "analyze", "analysis" },
    { "hypothesis", "hypotheses", "hypothesize" },
    { "automate", "automation", "automatic", "automatically" },
    { "scale", "scalability", "scalable" },
    { "reliable", "reliability" },
    { "available", "availability" },
    { "complex", "complicated", "intricate" },
    { "ambiguous", "ambiguity", "unclear", "vague", "undefined" },
    { "frustrated", "frustration", "angry", "upset", "annoyed", "furious" },
    { "help", "assist" },
    { "fix", "repair", "resolve", "solve", "solution" },
    { "launch", "ship", "roll out", "rolled out", "go live", "went live" },
    { "metric", "kpi", "key performance indicator" },
    { "deadline", "due date" },
    { "requirement", "spec", "specification" },
    { "documentation", "docs" },
    { "configuration", "config" },
    { "environment", "env" },
    { "repository", "repo" },
    { "application", "app" },
    { "authentication", "auth" },
    { "performance", "perf" },
    { "machine learning", "ml" },
    { "artificial intelligence", "ai" },
    { "continuous integration", "ci" },
    { "user interface", "ui" },
    { "user experience", "ux" },
    { "roi", "payback", "return on investment", "pay off", "paid off", "pays off" },
    { "sla", "service level agreement" },
    { "nps", "net promoter score" },
    { "csat", "customer satisfaction" },
    { "qa", "quality assurance" },
    { "crm", "customer relationship management" },
    { "seo", "search engine optimization" },
    { "ctr", "click through rate" },
    { "cac", "customer acquisition cost" },
    { "ltv", "clv", "lifetime value", "customer lifetime value" },
    { "ehr", "emr", "electronic health record", "electronic medical record" },
    { "cdn", "content delivery network" },
    { "experiment", "a b test", "ab test", "split test" },
    { "private", "privately", "one on one", "1 1", "1 on 1", "one to one" },
    { "personally", "physically", "in person", "face to face" },
    { "root cause", "underlying cause" },
    { "tradeoff", "trade off" },
    { "percent", "percentage", "pct" },
    { "p99", "99th percentile", "tail latency" },
    { "cross functional", "cross team", "across teams", "across departments" },
    { "initiative", "proactive", "proactively", "without being asked", "nobody asked",
      "nobody had asked", "no one asked", "no one had asked" },
    { "since then", "now i", "ever since", "going forward", "from then on", "these days",
      "i still" },
    { "next time", "in future", "in the future", "going forward" },
    { "time saved", "saved time", "saves time", "hours saved", "saved hours" },
    { "my role", "my job", "my part", "my contribution", "i was responsible", "responsible for",
      "i owned", "i was in charge" },
    { "looking for", "seeking", "searching for" },
    { "seek feedback", "ask for feedback", "asked for feedback", "asking for feedback" },
    { "excited", "enthusiastic", "eager", "keen" },
    { "strength", "strong at", "good at" },
    { "legacy", "outdated", "old system" },
    { "slow", "sluggish" },
    { "churn", "attrition" },
    { "cost", "expense" },
    { "employee", "staff" },
    { "recognize", "recognition", "praise", "commend" },
    { "discrepancy", "mismatch", "inconsistency" },
    { "stuck", "blocked", "no progress", "without progress" },
    { "risk", "danger", "hazard", "harm" },
    { "difficult", "challenging", "tough" },
    { "unpopular", "controversial" },
    { "pushback", "resist", "resistance", "oppose", "opposition", "push back" },
    { "time zone", "timezone" },
    { "notice", "observe", "spot", "spotted" },
    { "idea", "suggestion" },
    { "necessary", "needed" },
    { "regular", "periodic", "recurring", "weekly", "monthly", "daily", "biweekly" },
    { "confirm", "double check", "cross check" },
    { "measure", "quantify", "profile" },
    { "trust", "confidence" },
    { "perspective", "viewpoint", "point of view" },
    { "compromise", "middle ground", "meet halfway" },
    { "workload", "work load" },
    { "uneven", "unequal", "imbalance", "imbalanced" },
    { "hashmap", "hashtable", "dictionary", "dict", "hash map", "hash table" },
    { "linear", "o(n)" },
    { "quadratic", "o(n^2)", "o(n2)", "n squared" },
    { "memory", "ram" },
    { "garbage collector", "gc", "garbage collection" },
    { "stakeholder", "business partner" },
    { "report", "writeup", "write up" },
    { "listen", "hear out", "heard out" },
    { "incomplete", "partial" },
    { "request", "asked to", "asked me to", "asked us to", "was asked" },
    { "reject", "rejection", "turned down" },
    { "believe", "belief", "convinced" },
    { "merger", "merge" },
    { "shortfall", "fell short", "short of" },
    { "executive", "exec", "ceo", "cfo", "cto", "coo", "c suite", "c level" },
    { "struggle", "found it hard", "find it hard", "found it difficult", "find it difficult" },
    { "feedback", "pointed out", "pointed this out", "pointed it out" },
    { "this role", "this position", "this job" },
    { "this team", "your team" },
    { "also bring", "i'd add", "i would add", "i bring", "i can bring" },
    { "what i know", "what i do know" },
    { "long term", "longer term", "long run" },
    { "deliver", "delivery" },
    { "recover", "recovery", "rollback", "revert", "roll back", "rolled back" },
    { "discover", "discovery" },
    { "limit", "maximum", "max", "cap" },
    { "sanitize", "neutralize" },
    { "missing at random", "missing completely at random" },
    { "leak", "leakage" },
    { "cycle", "circular" },
    { "incident", "outage" },
    /* Clinical: generic, brand and British drug names; vital signs and care in plain words. */
    { "acetaminophen", "paracetamol", "tylenol" },
    { "naloxone", "narcan" },
    { "sedation", "sedated", "drowsy", "drowsiness", "sleepy", "hard to rouse", "hard to wake" },
    { "respiratory", "respiration", "breathing rate", "breaths per minute", "count breaths",
      "count their breaths", "counting breaths" },
    { "oxygen saturation", "spo2", "oxygen level", "oxygen levels", "pulse oximetry",
      "pulse oximeter", "pulse ox" },
    { "hypotension", "hypotensive", "low blood pressure" },
    { "tachycardia", "tachycardic", "fast heart rate", "racing pulse", "rapid pulse" },
    { "fever", "febrile", "pyrexia", "pyrexial", "high temperature" },
    { "vital signs", "vitals", "vital sign" },
    { "non pharmacological", "non drug", "without medication", "without drugs" },
    { "pain scale", "pain score", "0 to 10", "zero to ten", "rate the pain", "rate their pain" },
    { "physician", "doctor" },
    { "caregiver", "carer", "care giver" },
    { "nursing assistant", "healthcare assistant", "care assistant", "nurse aide", "cna", "hca" },
    { "charge nurse", "nurse in charge", "shift leader" },
    { "rapid response", "medical emergency team", "outreach team", "crash team" },
    { "ppe", "personal protective equipment", "protective equipment", "gloves and gown",
      "gown and gloves" },
    { "hand hygiene", "hand washing", "handwashing", "wash hands", "washed hands", "washing hands",
      "hand gel", "hand sanitizer", "alcohol gel" },
    { "deteriorate", "deterioration", "deteriorat", "getting worse", "got worse", "going downhill",
      "went downhill", "worsen" },
    { "urine output", "passing urine" },
    { "antibiotic", "antibiotics", "abx" },
    { "telehealth", "telemedicine", "video consultation", "virtual visit" },
    { "teach back", "repeat it back", "repeat back", "explain it back", "say it back" },
    { "30 minutes", "half an hour", "thirty minutes", "half hour" },
    /* Finance and accounting: the plain, British and abbreviated names of the same measures. */
    { "cogs", "cost of goods sold", "cost of sales", "direct costs", "cost of revenue" },
    { "net income", "net profit", "bottom line", "profit after tax", "net earnings" },
    { "gross margin", "gross profit margin" },
    { "capex", "capital expenditure", "capital spending", "capital spend" },
    { "opex", "operating expense", "operating expenses", "running costs" },
    { "free cash flow", "fcf" },
    { "npv", "net present value" },
    { "irr", "internal rate of return" },
    { "wacc", "weighted average cost of capital" },
    { "dso", "days sales outstanding", "debtor days" },
    { "general ledger", "nominal ledger" },
    { "payable", "payables", "creditors" },
    { "accrual", "accrue", "accrued", "accruals" },
    { "annual", "annually", "yearly", "every year", "each year", "per year" },
    { "quarterly", "every quarter", "each quarter" },
    { "approve", "approval", "sign off", "signed off", "signs off" },
    { "overhead", "overheads", "indirect costs" },
    { "ebitda", "earnings before interest" },
    { "three way match", "3 way match" },
    { "segregation of duties", "separation of duties" },
    /* Sales and marketing. */
    { "win rate", "close rate", "closing rate" },
    { "economic buyer", "budget holder", "decision maker", "holds the budget",
      "controls the budget", "controlled the money" },
    { "influencer", "creators", "content creator", "content creators" },
    { "organic", "unpaid", "unsponsored", "non paid" },
    { "paid", "paid ads", "paid media", "paid social", "ad spend", "advertising spend" },
    { "utm", "utm parameters", "tracking link", "tracking links", "tagged link", "tagged links" },
    { "cta", "call to action" },
    { "nrr", "ndr", "net revenue retention", "net dollar retention" },
    { "arr", "annual recurring revenue" },
    { "ote", "on target earnings" },
    { "qbr", "quarterly business review" },
    { "tam", "total addressable market" },
    { "roas", "return on ad spend" },
    { "cpa", "cost per acquisition" },
    /* Operations and project management. */
    { "handle time", "handling time", "aht", "average handle time" },
    { "part time", "part timer", "part timers", "temporary staff", "temp staff", "agency staff" },
    { "overtime", "extra shifts", "extra hours" },
    { "vacation", "holiday", "holidays", "pto", "annual leave", "paid time off", "time off" },
    { "absence", "absent", "absenteeism", "sick leave", "sick days", "sickness" },
    { "raci", "responsibility matrix", "responsibility assignment matrix" },
    { "kickoff", "kick off", "kicked off" },
    { "5 whys", "five whys" },
    { "kaizen", "continuous improvement" },
    { "pareto", "80 20", "80/20 rule" },
    { "fishbone", "ishikawa", "cause and effect diagram" },
    { "poka yoke", "error proof", "mistake proof", "error proofing", "mistake proofing" },
    { "on time delivery", "otd", "delivered on time" },
    { "wbs", "work breakdown structure" },
    { "scope creep", "feature creep" },
    { "safety stock", "buffer stock" },
    { "vendor", "supplier" },
    { "retrospective", "retro", "retros" },
    /* Design and research. */
    { "usability test", "usability testing", "user testing", "user test" },
    { "low fidelity", "lo fi", "low fi" },
    { "high fidelity", "hi fi", "high fi" },
    { "alt text", "alt attribute", "alternative text", "image description" },
    { "accessibility", "a11y" },
    { "design system", "component library", "ui kit" },
    { "heatmap", "heat map" },
    { "participant", "respondent" },
    { "think aloud", "think out loud", "thinking aloud", "thinking out loud" },
    { "affinity", "affinity mapping", "affinity diagram", "sticky notes", "post it notes" },
    { "screen reader", "voiceover", "nvda", "jaws" },
    /* Software and data. */
    { "heap snapshot", "heap dump", "memory snapshot", "memory dump" },
    { "devtools", "dev tools", "chrome devtools", "debugger" },
    { "event listener", "event handler", "event listeners", "event handlers" },
    { "sorted set", "zset", "ordered set" },
    { "feature flag", "feature toggle", "feature switch" },
    { "dead letter", "dead letter queue", "dlq" },
    { "pull request", "merge request" },
    { "code review", "peer review", "code reviews", "second pair of eyes" },
    { "oomkilled", "oom killed", "out of memory" },
    { "confidence interval", "margin of error", "error bars" },
    { "dedup", "deduplicate", "deduplication", "de duplicate", "remove duplicates" },
    { "parameterize", "parameterized", "parameteri", "placeholder", "placeholders", "bind variable",
      "bind variables", "bound parameter" },
    { "allowlist", "allow list", "whitelist", "safelist", "safe list" },
    { "least privilege", "minimum permissions", "minimal permissions", "least privileges" },
    { "sast", "static analysis", "static code analysis", "static scan" },
    { "dast", "dynamic analysis", "dynamic scan", "dynamic application security testing" },
    { "load test", "stress test", "soak test", "load testing", "stress testing" },
    { "lru", "least recently used" },
    { "throughput", "requests per second", "rps" },
    { "rate limit", "throttle", "throttling" },
    { "technical debt", "tech debt" },
    { "runbook", "playbook", "run book" },
    { "sso", "single sign on" },
    { "mfa", "2fa", "two factor", "multi factor", "two step verification" },
    { "cte", "common table expression" },
    /* Education. */
    { "differentiate", "differentiation", "differentiat", "distinguish", "tiered tasks",
      "tailored tasks" },
    /* Clinical, continued. */
    { "iv", "intravenous", "drip" },
    { "wristband", "id band", "name band", "identity band" },
    { "high alert", "high risk medication", "high risk medications", "high risk drugs" },
    { "heparin", "blood thinner", "blood thinners" },
    { "catheter", "foley" },
    { "central line", "cvc", "picc", "picc line" },
    { "reassess", "reassessment", "recheck", "rechecked", "re evaluate", "check again" },
    { "educate", "teach" },
    { "mortality", "death rate", "deaths" },
    /* Finance, continued. */
    { "variance", "budget vs actual", "actual vs budget", "budget versus actual" },
    { "deferred revenue", "unearned revenue" },
    { "prepaid", "prepayment", "prepayments", "paid in advance" },
    { "reconcile", "reconciliation", "reconcil", "tie out", "tied out" },
    { "quota", "sales target" },
    { "deal size", "contract value", "acv", "average contract value" },
    { "expansion revenue", "upsell", "upselling", "upsells", "cross sell" },
    { "champion", "advocate", "internal advocate", "internal champion" },
    { "mutual action plan", "joint plan", "close plan", "shared plan" },
    { "pain point", "pain points" },
    { "signup", "sign up", "signups", "sign ups", "registration", "registrations" },
    /* Operations, continued. */
    { "reorder point", "reorder level", "rop" },
    { "sku", "stock keeping unit", "product code" },
    { "value stream", "value stream map", "vsm" },
    { "spc", "statistical process control" },
    { "critical path", "cpm", "critical path method" },
    { "earned value", "evm" },
    { "risk register", "risk log" },
    { "change control", "change request", "change requests" },
    { "standup", "daily scrum", "daily standup" },
    { "checked in", "check in", "check ins", "catch up", "caught up", "touch base",
      "touched base" },
    /* Design and research, continued. */
    { "touch target", "tap target", "hit area", "hit target" },
    { "tab order", "focus order" },
    { "task success", "task completion", "completion rate" },
    { "survey", "questionnaire" },
    { "quote", "quotation", "citation", "cite", "verbatim" },
    /* Software and data, continued. */
    { "idempotent", "idempotency", "idempot", "safe to retry" },
    { "backoff", "back off", "exponential backoff" },
    { "timeout", "time out", "timed out" },
    { "timer", "setinterval" },
    { "flaky", "flakiness", "intermittent", "intermittently" },
    { "cpu bound", "compute bound", "cpu heavy", "cpu intensive" },
    { "impute", "imputation", "fill in missing", "fill missing", "fillna" },
    { "false positive", "false alarm", "false alarms" },
    { "schema change", "schema migration", "schema changes" },
    { "backward compatible", "backwards compatible", "backward compatibility",
      "backwards compatibility", "non breaking" },
    { "semver", "semantic versioning" },
    { "concatenate", "concatenation", "concatenat", "glued", "pieced together", "stitched together",
      "string building" },
    { "untrusted input", "user input", "user supplied", "user provided" },
    { "memory usage", "memory use", "memory footprint", "memory consumption" },
    { "compare", "comparison", "side by side" },
    { "global", "module level", "global variable", "global variables" },
    { "frequency", "how often" },
    { "workshop", "working session", "synthesis session" },
    { "all expenses", "all costs", "every cost" },
    /* Clinical, finance, sales, operations, software and design: further plain names. */
    { "acuity", "how sick", "how unwell" },
    { "comorbidity", "comorbidities", "comorbidit", "other conditions", "underlying conditions" },
    { "length of stay", "hospital stay", "days in hospital" },
    { "mar", "medication administration record" },
    { "near miss", "near misses", "close call" },
    { "patient ratio", "nurse to patient ratio", "staffing ratio" },
    { "sbar", "situation background assessment recommendation" },
    { "readmission", "readmitted", "readmit", "back in hospital" },
    { "denial rate", "claim denials", "denied claims" },
    { "prior authorization", "prior auth", "preauthorization", "pre authorization" },
    { "days in a r", "ar days", "accounts receivable days" },
    { "intercompany", "inter company", "between entities" },
    { "finance lease", "capital lease" },
    { "right of use", "rou" },
    { "outstanding check", "uncleared check", "unpresented check" },
    { "bank fee", "bank charge", "bank charges" },
    { "top of funnel", "top of the funnel", "tofu" },
    { "bottom of funnel", "bottom of the funnel", "bofu" },
    { "new logo", "new logos", "net new" },
    { "preheader", "preview text" },
    { "willingness to pay", "wtp" },
    { "headcount", "head count", "fte", "ftes", "full time equivalent" },
    { "re baseline", "rebaseline", "reset the baseline" },
    { "reprioritize", "re prioritize" },
    { "3 sigma", "three sigma", "three standard deviations" },
    { "out of stock", "stockout", "stock out", "stockouts" },
    { "dual sourc", "dual sourcing", "second supplier", "backup supplier", "alternative supplier" },
    { "stop the world", "gc pause", "gc pauses" },
    { "off by one", "fencepost" },
    { "thundering herd", "cache stampede", "dogpile" },
    { "blue green", "red black" },
    { "kill switch", "off switch" },
    { "happy path", "golden path", "sunny day" },
    { "main thread", "ui thread" },
    { "crash rate", "crash free" },
    { "force update", "forced update", "mandatory update", "forced upgrade" },
    { "mde", "minimum detectable effect" },
    { "srm", "sample ratio mismatch" },
    { "multiple comparisons", "multiple testing" },
    { "scd", "slowly changing dimension" },
    { "natural key", "business key" },
    { "window function", "analytic function", "over clause" },
    { "seq scan", "sequential scan", "full table scan", "table scan" },
    { "execution plan", "query plan", "explain plan" },
    { "sus", "system usability scale" },
    { "screener", "screening survey", "screening questions" },
    /* Behavioural stories told plainly. */
    { "explain", "showed her how", "showed him how", "showed them how", "walked her through",
      "walked him through", "walked them through", "talked her through", "talked him through",
      "talked them through" },
    { "independent", "independently", "autonomous", "on her own", "on his own", "on their own",
      "by herself", "by himself", "by themselves", "unaided" },
};

typedef struct {
    const char *stem, *canon;
    size_t order;
} syn_pair;

typedef struct {
    ai_text_phrase p;
    size_t group;
} syn_phrase;

/* A term word's WordNet synonyms: the stems that may stand in for its stem. */
typedef struct {
    const char *word;
    ai_text_alts alts;
} syn_alts;

struct ai_text_lexicon {
    syn_pair *pairs; /* sorted by stem: the table's single words, then irregular forms */
    size_t npairs;
    syn_phrase *phrases; /* in group order */
    size_t nphrases;
    syn_alts *alts; /* sorted by word */
    size_t nalts;
};

static int cmp_pair(const void *a, const void *b)
{
    const syn_pair *x = a, *y = b;
    int c = strcmp(x->stem, y->stem);
    return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

const char *ai_text_synonym(const ai_text_lexicon *lx, const char *stem)
{
    if (lx == NULL || lx->npairs == 0)
        return stem;
    size_t lo = 0, hi = lx->npairs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(lx->pairs[mid].stem, stem);
        if (c == 0)
            return lx->pairs[mid].canon;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return stem;
}

static bool phrase_same(const ai_text_phrase *a, const ai_text_phrase *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->stems[i], b->stems[i]) != 0)
            return false;
    return true;
}

/* Fills a phrase from the first AI_TEXT_TERM_WORDS tokens of t. */
static void phrase_from(const ai_text *t, ai_text_phrase *p)
{
    p->n = t->n < AI_TEXT_TERM_WORDS ? t->n : AI_TEXT_TERM_WORDS;
    for (size_t i = 0; i < p->n; i++) {
        p->words[i] = t->v[i].word;
        p->stems[i] = t->v[i].stem;
    }
}

/* Single words: each one's plain stem points at its group's first single word, whose stem is
 * written to canon[g] (NULL for a group of phrases only). */
static int lexicon_words(arena *a, ai_text_lexicon *lx, const char **canon)
{
    for (size_t g = 0; g < COUNT(synonym_groups); g++) {
        canon[g] = NULL;
        for (size_t m = 0; m < GROUP_MAX && synonym_groups[g][m] != NULL; m++) {
            ai_text t;
            int rc = ai_text_tokenize(a, NULL, synonym_groups[g][m], &t);
            if (rc != IA_OK)
                return rc;
            if (t.n != 1)
                continue;
            if (canon[g] == NULL) {
                canon[g] = t.v[0].stem;
            } else if (strcmp(t.v[0].stem, canon[g]) != 0) {
                lx->pairs[lx->npairs] = (syn_pair){ t.v[0].stem, canon[g], lx->npairs };
                lx->npairs++;
            }
        }
    }
    qsort(lx->pairs, lx->npairs, sizeof(syn_pair), cmp_pair);
    return IA_OK;
}

/* The table is consistent when no stem belongs to two groups: Snowball gives "objection" and
 * "objective" one stem, so they cannot sit in different groups. IA_ERR_INTERNAL otherwise. */
static int lexicon_check(const ai_text_lexicon *lx, const char **canon)
{
    for (size_t i = 1; i < lx->npairs; i++)
        if (strcmp(lx->pairs[i - 1].stem, lx->pairs[i].stem) == 0 &&
            strcmp(lx->pairs[i - 1].canon, lx->pairs[i].canon) != 0)
            return IA_ERR_INTERNAL;
    for (size_t g = 0; g < COUNT(synonym_groups); g++) {
        if (canon[g] == NULL)
            continue;
        if (ai_text_synonym(lx, canon[g]) != canon[g])
            return IA_ERR_INTERNAL;
        for (size_t h = 0; h < g; h++)
            if (canon[h] != NULL && strcmp(canon[h], canon[g]) == 0)
                return IA_ERR_INTERNAL;
    }
    return IA_OK;
}

/* Phrases: every member of a group that has a phrase, stemmed through the single words. */
static int lexicon_phrases(arena *a, ai_text_lexicon *lx)
{
    for (size_t g = 0; g < COUNT(synonym_groups); g++) {
        size_t first = lx->nphrases;
        bool multi = false;
        for (size_t m = 0; m < GROUP_MAX && synonym_groups[g][m] != NULL; m++) {
            ai_text t;
            int rc = ai_text_tokenize(a, lx, synonym_groups[g][m], &t);
            if (rc != IA_OK)
                return rc;
            if (t.n == 0)
                continue;
            multi = multi || t.n > 1;
            syn_phrase sp = { .group = g };
            phrase_from(&t, &sp.p);
            bool dup = false;
            for (size_t k = first; k < lx->nphrases && !dup; k++)
                dup = phrase_same(&lx->phrases[k].p, &sp.p);
            if (!dup)
                lx->phrases[lx->nphrases++] = sp;
        }
        if (!multi)
            lx->nphrases = first; /* single words only: the stems already say it */
    }
    return IA_OK;
}

/* The built-in table alone, into a lexicon the caller may still extend. */
static int lexicon_table(arena *a, ai_text_lexicon **out)
{
    ai_text_lexicon *lx = arena_calloc(a, 1, sizeof(*lx));
    const char **canon = arena_calloc(a, COUNT(synonym_groups), sizeof(char *));
    size_t members = COUNT(synonym_groups) * GROUP_MAX;
    if (lx == NULL || canon == NULL ||
        (lx->pairs = arena_calloc(a, members, sizeof(syn_pair))) == NULL ||
        (lx->phrases = arena_calloc(a, members, sizeof(syn_phrase))) == NULL)
        return IA_ERR_NOMEM;
    int rc = lexicon_words(a, lx, canon);
    if (rc == IA_OK)
        rc = lexicon_check(lx, canon);
    if (rc == IA_OK)
        rc = lexicon_phrases(a, lx);
    if (rc == IA_OK)
        *out = lx;
    return rc;
}

int ai_text_lexicon_build(arena *a, const ai_text_lexicon **out)
{
    ai_text_lexicon *lx = NULL;
    int rc = lexicon_table(a, &lx);
    if (rc == IA_OK)
        *out = lx;
    return rc;
}

/* ---- WordNet ------------------------------------------------------------------------------- */

/* The distinct content words of texts (tokenised without a lexicon: spelling normalised),
 * sorted: function words, figures and words with other characters than a-z left out. */
static int vocabulary(arena *a, const char *const *texts, size_t ntexts, const char ***out,
                      size_t *n)
{
    size_t cap = AI_WORDNET_VOCAB_MAX, nv = 0;
    const char **v = arena_calloc(a, cap, sizeof(char *));
    if (v == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < ntexts && nv < cap; i++) {
        ai_text t;
        int rc = ai_text_tokenize(a, NULL, texts[i], &t);
        if (rc != IA_OK)
            return rc;
        for (size_t k = 0; k < t.n && nv < cap; k++) {
            const char *w = t.v[k].word;
            bool plain = !(t.v[k].flags & (AI_TEXT_STOP | AI_TEXT_NUMBER | AI_TEXT_NUMWORD)) &&
                         strlen(w) >= 2;
            for (const char *c = w; plain && *c != '\0'; c++)
                plain = *c >= 'a' && *c <= 'z';
            if (plain)
                v[nv++] = w;
        }
    }
    qsort(v, nv, sizeof(char *), ai_text_cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < nv; i++)
        if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
            v[u++] = v[i];
    *out = v;
    *n = u;
    return IA_OK;
}

/* The stem a token of word gets with lx: spelling, stem, then the lexicon's single words. */
static const char *canon_stem(arena *a, const ai_text_lexicon *lx, struct sb_stemmer *sb,
                              const char *word)
{
    char spelled[AI_TEXT_WORD_MAX + 1], stem[AI_TEXT_WORD_MAX + 1];
    ai_text_spelling(word, spelled, sizeof(spelled));
    ai_text_stem_with(sb, spelled, stem, sizeof(stem));
    const char *c = ai_text_synonym(lx, stem);
    return c != stem ? c : arena_strdup(a, stem);
}

/* Irregular forms become single-word synonyms of their base ("ran" -> the stem of "run"),
 * unless the table already gives the form's stem a group. */
static int lexicon_forms(arena *a, ai_text_lexicon *lx, struct sb_stemmer *sb, const ai_wordnet *wn)
{
    syn_pair *pairs = arena_calloc(a, lx->npairs + wn->nforms + 1, sizeof(syn_pair));
    if (pairs == NULL)
        return IA_ERR_NOMEM;
    memcpy(pairs, lx->pairs, lx->npairs * sizeof(syn_pair));
    size_t n = lx->npairs;
    for (size_t i = 0; i < wn->nforms; i++) {
        const char *form = canon_stem(a, lx, sb, wn->forms[i].word);
        const char *base = canon_stem(a, lx, sb, wn->forms[i].other);
        if (form == NULL || base == NULL)
            return IA_ERR_NOMEM;
        if (ai_text_synonym(lx, form) == form && strcmp(form, base) != 0) {
            pairs[n] = (syn_pair){ form, base, n };
            n++;
        }
    }
    qsort(pairs, n, sizeof(syn_pair), cmp_pair);
    size_t u = 0; /* one group per stem: the table's, else the first form's */
    for (size_t i = 0; i < n; i++)
        if (u == 0 || strcmp(pairs[u - 1].stem, pairs[i].stem) != 0)
            pairs[u++] = pairs[i];
    lx->pairs = pairs;
    lx->npairs = u;
    return IA_OK;
}

static int cmp_pair_text(const void *a, const void *b)
{
    const syn_pair *x = a, *y = b;
    int c = strcmp(x->stem, y->stem);
    return c != 0 ? c : strcmp(x->canon, y->canon);
}

/* WordNet synonyms become alternatives of the term word: (the vocabulary word as written, stem
 * of its synonym through the lexicon so far), grouped by the word. Keyed by the word, not its
 * stem, so that words sharing a stem do not share synonyms ("customer" and "custom"). */
static int lexicon_alts(arena *a, ai_text_lexicon *lx, struct sb_stemmer *sb, const ai_wordnet *wn)
{
    syn_pair *pairs = arena_calloc(a, wn->nsynonyms + 1, sizeof(syn_pair));
    if (pairs == NULL)
        return IA_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < wn->nsynonyms; i++) {
        /* A word the table puts in a group has its synonyms there ("minimize" -> "reduce"). */
        char plain[AI_TEXT_WORD_MAX + 1];
        ai_text_stem_with(sb, wn->synonyms[i].word, plain, sizeof(plain));
        if (ai_text_synonym(lx, plain) != plain)
            continue;
        const char *word = canon_stem(a, lx, sb, wn->synonyms[i].word);
        const char *syn = canon_stem(a, lx, sb, wn->synonyms[i].other);
        if (word == NULL || syn == NULL)
            return IA_ERR_NOMEM;
        if (strcmp(word, syn) != 0) {
            pairs[n] = (syn_pair){ wn->synonyms[i].word, syn, n };
            n++;
        }
    }
    qsort(pairs, n, sizeof(syn_pair), cmp_pair_text);
    if ((lx->alts = arena_calloc(a, n + 1, sizeof(syn_alts))) == NULL)
        return IA_ERR_NOMEM;
    lx->nalts = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(pairs[j].stem, pairs[i].stem) == 0)
            j++;
        const char **stems = arena_calloc(a, j - i, sizeof(char *));
        if (stems == NULL)
            return IA_ERR_NOMEM;
        size_t k = 0;
        for (size_t m = i; m < j; m++)
            if (k == 0 || strcmp(stems[k - 1], pairs[m].canon) != 0)
                stems[k++] = pairs[m].canon;
        lx->alts[lx->nalts++] = (syn_alts){ pairs[i].stem, { stems, k } };
        i = j;
    }
    return IA_OK;
}

/* Reads WordNet for the vocabulary of texts and adds it to lx; IA_ERR_IO or IA_ERR_INVALID (err
 * set) when the files cannot be read, and lx is then unchanged. */
static int lexicon_wordnet(arena *a, ai_text_lexicon *lx, const char *dir, const char *const *texts,
                           size_t ntexts, ai_text_lexicon_info *info, char *err, size_t errlen)
{
    const char **vocab = NULL;
    size_t nvocab = 0;
    ai_wordnet wn;
    int rc = vocabulary(a, texts, ntexts, &vocab, &nvocab);
    if (rc == IA_OK)
        rc = ai_wordnet_load(a, dir, vocab, nvocab, &wn, err, errlen);
    if (rc != IA_OK)
        return rc;
    struct sb_stemmer *sb = ai_text_stemmer_new();
    if (sb == NULL)
        return IA_ERR_NOMEM;
    rc = lexicon_forms(a, lx, sb, &wn);
    if (rc == IA_OK)
        rc = lexicon_alts(a, lx, sb, &wn);
    ai_text_stemmer_free(sb);
    info->vocabulary = nvocab;
    info->synonyms = wn.nsynonyms;
    info->forms = wn.nforms;
    info->files_bytes = wn.files_bytes;
    return rc;
}

int ai_text_lexicon_load(arena *a, const char *wordnet_dir, const char *const *texts, size_t ntexts,
                         const ai_text_lexicon **out, ai_text_lexicon_info *info)
{
    ai_text_lexicon_info none;
    if (info == NULL)
        info = &none;
    *info = (ai_text_lexicon_info){ 0 };
    int64_t t0 = ia_mono_us();
    size_t used0 = arena_used(a);
    ai_text_lexicon *lx = NULL;
    int rc = lexicon_table(a, &lx);
    if (rc != IA_OK || wordnet_dir == NULL || wordnet_dir[0] == '\0') {
        if (rc == IA_OK)
            *out = lx;
        return rc;
    }
    char err[512] = "";
    syn_pair *pairs = lx->pairs;
    size_t npairs = lx->npairs;
    rc = lexicon_wordnet(a, lx, wordnet_dir, texts, ntexts, info, err, sizeof(err));
    if (rc == IA_ERR_IO || rc == IA_ERR_INVALID || rc == IA_ERR_TOO_LARGE) {
        log_warn("ai", "WordNet not read: the offline engine uses its built-in synonyms only",
                 "wordnet_dir", wordnet_dir, "error", err);
        lx->pairs = pairs, lx->npairs = npairs;
        lx->alts = NULL, lx->nalts = 0;
        *info = (ai_text_lexicon_info){ 0 };
        rc = IA_OK;
    } else if (rc == IA_OK) {
        info->wordnet = true;
    }
    info->load_us = ia_mono_us() - t0;
    info->arena_bytes = arena_used(a) - used0;
    if (rc == IA_OK)
        *out = lx;
    return rc;
}

const ai_text_alts *ai_text_alternatives(const ai_text_lexicon *lx, const char *word)
{
    size_t lo = 0, hi = lx != NULL ? lx->nalts : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(lx->alts[mid].word, word);
        if (c == 0)
            return &lx->alts[mid].alts;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- terms --------------------------------------------------------------------------------- */

int ai_text_term_compile(arena *a, const ai_text_lexicon *lx, const char *term, ai_text_term *out)
{
    *out = (ai_text_term){ .text = term };
    ai_text t;
    int rc = ai_text_tokenize(a, lx, term, &t);
    if (rc != IA_OK)
        return rc;
    if (t.n == 0)
        return IA_ERR_INVALID;
    ai_text_phrase *base = &out->variants[0];
    phrase_from(&t, base);
    out->nvariants = 1;
    if (lx == NULL)
        return IA_OK;
    /* Each synonym phrase found in the term gives variants with the other members in its
     * place ("p99 latency" -> "p99 response time"). */
    for (size_t i = 0; i < lx->nphrases; i++) {
        const ai_text_phrase *p = &lx->phrases[i].p;
        for (size_t at = 0; at + p->n <= base->n; at++) {
            bool here = true;
            for (size_t k = 0; k < p->n && here; k++)
                here = strcmp(base->stems[at + k], p->stems[k]) == 0;
            if (!here)
                continue;
            for (size_t q = 0; q < lx->nphrases; q++) {
                const ai_text_phrase *alt = &lx->phrases[q].p;
                if (lx->phrases[q].group != lx->phrases[i].group || q == i ||
                    base->n - p->n + alt->n > AI_TEXT_TERM_WORDS ||
                    out->nvariants == AI_TEXT_VARIANTS_MAX)
                    continue;
                ai_text_phrase v = { .n = 0 };
                for (size_t k = 0; k < at; k++, v.n++)
                    v.words[v.n] = base->words[k], v.stems[v.n] = base->stems[k];
                for (size_t k = 0; k < alt->n; k++, v.n++)
                    v.words[v.n] = alt->words[k], v.stems[v.n] = alt->stems[k];
                for (size_t k = at + p->n; k < base->n; k++, v.n++)
                    v.words[v.n] = base->words[k], v.stems[v.n] = base->stems[k];
                bool dup = false;
                for (size_t k = 0; k < out->nvariants && !dup; k++)
                    dup = phrase_same(&out->variants[k], &v);
                if (!dup)
                    out->variants[out->nvariants++] = v;
            }
        }
    }
    for (size_t v = 0; v < out->nvariants; v++)
        for (size_t k = 0; k < out->variants[v].n; k++) {
            const ai_text_alts *alts = ai_text_alternatives(lx, out->variants[v].words[k]);
            out->variants[v].alts[k] = alts != NULL ? *alts : (ai_text_alts){ 0 };
        }
    return IA_OK;
}

/* What may follow a truncated term word in the word it begins: "responsib" + "ility",
 * "priorit" + "ization", "analy" + "sis"; not "event" + "ual" or "count" + "ry". */
static const char *const suffixes[] = {
    "e",     "es",      "ed",      "ing",      "ings",    "ion",    "ions",   "ional",   "ive",
    "ively", "ivity",   "y",       "ies",      "ied",     "ity",    "ities",  "ize",     "ized",
    "izes",  "izing",   "ization", "izations", "le",      "ly",     "ility",  "ilities", "ably",
    "ibly",  "able",    "ible",    "ability",  "ibility", "is",     "ys",     "sis",     "ses",
    "st",    "sts",     "ze",      "zed",      "zing",    "zes",    "zation", "tic",     "tics",
    "tical", "tically", "ic",      "ics",      "ical",    "ically", "ance",   "ence",    "ancy",
    "ency",  "ant",     "ent",     "er",       "ers",     "or",     "ors",    "al",      "ally",
    "ation", "ations",  "ate",     "ated",     "ates",    "ating",  "ator",   "ators",   "ory",
    "ure",   "ures",    "ured",    "uring",    "ness",    "ful",    "fully",  "ous",     "ously",
    "ist",   "ists",    "ism",     "iation",   "iations", "iate",   "iated",  "iating",  "s",
};

/* True when a term word (its written form and stem) matches a token: same stem, or a term
 * word of five letters or more that begins the token's word before a suffix ("responsib" ->
 * "responsibility"), or stems of six letters or more one of which begins the other with at
 * most two letters more ("reconcil", "reconcili"). */
static bool word_matches(const char *word, const char *stem, const ai_text_alts *alts,
                         const ai_text_token *tok)
{
    if (strcmp(stem, tok->stem) == 0)
        return true;
    for (size_t i = 0; i < alts->n; i++)
        if (strcmp(alts->stems[i], tok->stem) == 0)
            return true;
    if (tok->flags & AI_TEXT_NUMBER)
        return false;
    size_t wl = strlen(word), tl = strlen(tok->word);
    if (wl >= PREFIX_MIN && tl > wl && memcmp(tok->word, word, wl) == 0 &&
        ai_text_in_list(suffixes, COUNT(suffixes), tok->word + wl))
        return true;
    size_t sl = strlen(stem), ul = strlen(tok->stem);
    const char *shorter = sl <= ul ? stem : tok->stem, *longer = sl <= ul ? tok->stem : stem;
    size_t a = sl <= ul ? sl : ul, b = sl <= ul ? ul : sl;
    return a >= STEM_PREFIX_MIN && b - a <= 2 && memcmp(shorter, longer, a) == 0;
}

static bool phrase_at(const ai_text *t, const ai_text_phrase *p, size_t i)
{
    if (p->n == 0 || i + p->n > t->n)
        return false;
    for (size_t k = 0; k < p->n; k++)
        if (!word_matches(p->words[k], p->stems[k], &p->alts[k], &t->v[i + k]))
            return false;
    return true;
}

long ai_text_find(const ai_text *t, const ai_text_term *term, size_t from, size_t *len)
{
    for (size_t i = from; i < t->n; i++)
        for (size_t v = 0; v < term->nvariants; v++)
            if (phrase_at(t, &term->variants[v], i)) {
                if (len != NULL)
                    *len = term->variants[v].n;
                return (long)i;
            }
    return -1;
}

bool ai_text_contains(arena *a, const ai_text_lexicon *lx, const ai_text *t, const char *term)
{
    ai_text_term c;
    return ai_text_term_compile(a, lx, term, &c) == IA_OK && ai_text_find(t, &c, 0, NULL) >= 0;
}
