"""Every field of the ledger, defined once.

Each table lists its fields with type, whether it is required, allowed values (a fixed list, or a
reference to another table's ids), and a description. The pandera schemas in ``schema`` and the data
dictionary in ``data/README.md`` are both generated from these definitions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

STANCES = {
    "explains_gap": "The different treatment of Israel and Ukraine is justified or explained.",
    "challenges_gap": "Ukraine should get comparable protection, or a reason given for the difference does not hold.",
    "context": "A neutral fact that bears on the question without taking a side.",
}
CLAIM_TYPES = {
    "fact": "A statement about what is or was the case.",
    "causal": "A statement that one thing explains, causes or would cause another.",
    "normative": "A statement about what should be done.",
    "prediction": "A statement about what will or would happen.",
}
ATTRIBUTIONS = {
    "direct_quote": "The quote is the speaker's own words, in quotation marks in the article.",
    "paraphrase": "The article reports the speaker's position in its own words.",
    "outlet_voice": "The outlet asserts the claim in its own voice (actor `@outlet`).",
}
RELATION_TYPES = {
    "rebuts": "Denies the target's conclusion with a contrary claim or fact.",
    "undercuts": "Attacks the link between the target's reason and its conclusion, without denying the reason.",
    "qualifies": "Limits the target's scope or strength without denying it.",
    "supports": "Gives a further reason or evidence for the target.",
}
ATTACKS = ("rebuts", "undercuts", "qualifies")
OUTLET_TYPES = {
    "independent_media": "Privately owned news outlet, identified, not under state editorial control.",
    "state_controlled_media": "Outlet funded and editorially directed by a state.",
    "government": "A government body's own publication.",
    "think_tank": "Research institute or policy organisation.",
    "aggregator": "News-summary or aggregation page rewriting other reports.",
    "unidentified_media": "A news text whose outlet the text does not identify.",
}
VERDICTS = {
    "incorrect": "Contradicted by the reference.",
    "inconsistent": "Contradicts another statement in the same article or its own quotation.",
    "misleading": "Literally defensible but gives a wrong impression.",
    "disputed": "Reported as fact, but contested by a party or not confirmed by the reference.",
    "unsupported": "Asserted without a source, and not confirmed by the reference.",
    "simplification": "Loses detail or nuance that the reference gives, without making the statement false; "
                      "not an error.",
}
DATE_PRECISIONS = {
    "day": "The day is known.",
    "approximate": "Within a few days of the date given.",
    "month": "Only the month is known; the date is the first of the month.",
}
BASES = {"stated": "Stated in the source text.",
         "inferred": "Inferred by the curator; the evidence field says from what."}
ACTOR_KINDS = {
    "person": "A named individual.",
    "institution": "A government, organisation or its spokesperson acting as such.",
    "group": "Unnamed officials, experts or media.",
    "outlet": "A media outlet.",
}
OUTLET_ACTOR = "@outlet"

#: Regular expressions for identifiers.
CLAIM_ID = r"^C\d{3,}$"
NOTE_ID = r"^N\d{2,}$"
RELATION_ID = r"^R\d{3,}$"
CHECK_ID = r"^F\d{2,}$"
REASON_ID = r"^RS\d{2,}$"
SLUG = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
THEME_ID = r"^[a-z][a-z0-9_]*$"
EVENT_ID = r"^E\d{2,}$"
EVENT_KINDS = {
    "invasion": "Start of a war or an invasion.",
    "attack": "A missile or drone attack.",
    "incursion": "Drones or missiles entering a third country's airspace.",
    "briefing": "A press briefing or news conference of a government or alliance.",
    "statement": "A speech, address, interview or written statement.",
    "meeting": "A summit, visit or meeting.",
    "agreement": "An agreement or treaty signed.",
}


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # str | int | date | bool | list
    description: str
    required: bool = True
    allowed: dict | None = None  # fixed vocabulary
    ref: str | None = None  # "<table>" whose ids the value must be one of
    pattern: str | None = None
    unique: bool = False
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    description: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    id_field: str | None = None

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _reference_fields(required: bool = True) -> tuple[Field, ...]:
    return (
        Field("reference_title", "str", "Title of the reference cited.", required=required),
        Field("reference_publisher", "str", "Who issued the reference (body, publisher or author).", required=required),
        Field("reference_date", "date", "Date of the reference (YYYY-MM-DD), when known.", required=False),
        Field("reference_url", "str", "URL of the reference, only when known; never invented.", required=False,
              pattern=r"^https?://\S+$"),
    )


ARTICLES = Table(
    "articles", "articles/<id>.md",
    "One Markdown file per article: YAML front matter with these fields, then the body exactly as the source text.",
    (
        Field("id", "str", "Article id; equals the file name without `.md`.", pattern=SLUG, unique=True),
        Field("title", "str", "Headline, or the title the curator gave a text without one."),
        Field("title_basis", "str", "Whether the title is stated in the text or written by the curator.",
              required=False),
        Field("outlet", "str", "Publishing outlet, or a description such as 'Unidentified news outlet'."),
        Field("outlet_basis", "str", "How the outlet is known: `stated:` (byline, masthead) or `inferred:` and "
              "from what."),
        Field("outlet_country", "str", "ISO country code of the outlet, or `unknown`."),
        Field("outlet_country_basis", "str", "How the country is known.", required=False),
        Field("outlet_type", "str", "Kind of outlet.", allowed=OUTLET_TYPES),
        Field("published", "date", "Publication date (YYYY-MM-DD)."),
        Field("date_precision", "str", "How precise the publication date is.", allowed=DATE_PRECISIONS),
        Field("date_basis", "str", "Whether the date is stated in the text or inferred.", allowed=BASES),
        Field("date_evidence", "str", "What the date was inferred from (events reported, relative dates)."),
        Field("url", "str", "Source URL when known; never invented.", required=False, pattern=r"^https?://\S+$"),
        Field("language", "str", "ISO 639-1 language code of the body.", pattern=r"^[a-z]{2}$"),
        Field("source_file", "str", "Name of the source file the body was taken from.", required=False),
        Field("body_sha256", "str", "SHA-256 of the body (UTF-8); re-checked on every run so a changed body is caught.",
              pattern=r"^[0-9a-f]{64}$"),
        Field("curated", "bool", "True when the article's claims have been curated into the ledger; "
              "false for articles added but not yet curated."),
        Field("inferred", "list", "Front-matter fields that `shieldgap add` inferred rather than was told.",
              required=False),
        Field("covers", "list", "Events the article reports (ids in events.csv): two articles covering the same "
              "briefing are not independent sources.", required=False, ref="events"),
        Field("compilation", "bool", "True when the article compiles or recycles statements first reported "
              "earlier, rather than reporting a new event.", required=False),
    ),
    id_field="id",
)

THEMES = Table(
    "themes", "themes.yml", "The themes a claim can bear on; the four `core` themes are the report's core themes.",
    (
        Field("id", "str", "Theme id (the YAML key).", pattern=THEME_ID, unique=True),
        Field("label", "str", "Short label shown in the report."),
        Field("core", "bool", "One of the report's four core themes.", required=False),
        Field("question", "str", "The question the theme answers."),
        Field("description", "str", "A neutral description of what the theme covers."),
        Field("keywords", "list", "Keywords used to tag new articles with the theme."),
    ),
    id_field="id",
)

ACTORS = Table(
    "actors", "actors.yml", "Every speaker: one person or body is one actor, whatever name an outlet uses.",
    (
        Field("id", "str", "Actor id (the YAML key). `@outlet` in claims means the article's own outlet voice.",
              pattern=SLUG, unique=True),
        Field("name", "str", "Name as shown in the report."),
        Field("kind", "str", "Kind of actor.", allowed=ACTOR_KINDS),
        Field("role", "str", "Role or office at the time of the statements."),
        Field("affiliation", "str", "Organisation the actor spoke for."),
        Field("country", "str", "ISO country code, `INT` for international bodies, or `unknown`."),
        Field("variants", "list", "Names and descriptions outlets use for the actor."),
        Field("note", "str", "Curator's note, e.g. how an unnamed official was identified.", required=False),
    ),
    id_field="id",
)

CLAIMS = Table(
    "claims", "claims.csv", "One row per appearance of a claim in an article.",
    (
        Field("claim_id", "str", "Claim id, `C` and three or more digits.", pattern=CLAIM_ID, unique=True),
        Field("article_id", "str", "Article the claim appears in.", ref="articles"),
        Field("actor_id", "str", "Who makes the claim in the article; `@outlet` for the outlet's own voice.",
              ref="actors"),
        Field("attribution", "str", "How the article attributes the words.", allowed=ATTRIBUTIONS),
        Field("theme", "str", "Theme the claim bears on most directly.", ref="themes"),
        Field("stance", "str", "Side the claim takes on the question.", allowed=STANCES),
        Field("claim_type", "str", "Kind of statement.", allowed=CLAIM_TYPES),
        Field("quote", "str", "Verbatim words of the article that carry the claim; located in the body on every run."),
        Field("summary", "str", "One neutral sentence in the curator's words."),
        Field("strength", "int", "Support: how well the sources and the public record support the claim, 1-5 by "
              "the support rubric below.", min=1, max=5),
        Field("relevance", "int", "How directly the claim bears on the question (why allies intercepted over Israel "
              "but not over Ukraine), 1-5 by the relevance rubric below.", min=1, max=5),
        Field("reason_id", "str", "The reason (reasons.csv) this argument states; required for explains_gap and "
              "challenges_gap claims, empty for context. Restatements of one point share one reason.",
              required=False, ref="reasons"),
        Field("canonical_id", "str", "Claim id of the canonical row of this claim (itself for a first appearance); "
              "appearances of the same claim in several articles share it.", ref="claims"),
        Field("said_on", "date", "Date the statement was made, when the article tells or it is established.",
              required=False),
        Field("occurrence", "int", "Which occurrence of the quote in the body is meant, when it occurs more than once "
              "(default 1).", required=False, min=1),
        Field("unanswered", "str", "For an `explains_gap` claim with no counterargument: why none is recorded.",
              required=False),
        Field("notes", "str", "Curator's note (ambiguous attribution, error in the source...).", required=False),
    ),
    id_field="claim_id",
)

ANALYST_NOTES = Table(
    "analyst_notes", "analyst_notes.csv",
    "The analyst's own counterarguments from well-established public facts; always labelled as the analyst's "
    "and always citing a reference.",
    (
        Field("note_id", "str", "Note id, `N` and two or more digits.", pattern=NOTE_ID, unique=True),
        Field("theme", "str", "Theme the note bears on.", ref="themes"),
        Field("stance", "str", "Side the note takes.", allowed=STANCES),
        Field("text", "str", "The analyst's note: one or two sentences of established fact."),
        Field("strength", "int", "Support for the note, 1-5 by the rubric.", min=1, max=5),
        *_reference_fields(),
    ),
    id_field="note_id",
)

RELATIONS = Table(
    "relations", "relations.csv", "Links between claims and analyst notes: what answers what.",
    (
        Field("relation_id", "str", "Relation id, `R` and three or more digits.", pattern=RELATION_ID, unique=True),
        Field("source_id", "str", "The claim or analyst note that answers.", ref="claims|analyst_notes"),
        Field("relation", "str", "How the source bears on the target.", allowed=RELATION_TYPES),
        Field("target_id", "str", "The claim or analyst note answered.", ref="claims|analyst_notes"),
        Field("explanation", "str", "One sentence on why the source bears on the target."),
        Field("strength", "int", "How strongly the source bears on the target, 1-5.", min=1, max=5),
    ),
    id_field="relation_id",
)

FACT_CHECKS = Table(
    "fact_checks", "fact_checks.csv",
    "Factual errors and inconsistencies in the articles that readers must know about.",
    (
        Field("check_id", "str", "Fact-check id, `F` and two or more digits.", pattern=CHECK_ID, unique=True),
        Field("article_id", "str", "Article checked.", ref="articles"),
        Field("claim_id", "str", "Ledger claim concerned, if any.", required=False, ref="claims"),
        Field("quote", "str", "Verbatim words of the article checked; located in the body on every run."),
        Field("verdict", "str", "Verdict.", allowed=VERDICTS),
        Field("explanation", "str", "What is wrong and what the reference says."),
        *_reference_fields(),
    ),
    id_field="check_id",
)

REASONS = Table(
    "reasons", "reasons.csv",
    "The distinct points a reader would name: canonical claims that make the same point share one reason, so a "
    "point restated in many articles is ranked once, with its best-supported statement.",
    (
        Field("reason_id", "str", "Reason id, `RS` and two or more digits.", pattern=REASON_ID, unique=True),
        Field("theme", "str", "Theme the reason belongs to.", ref="themes"),
        Field("stance", "str", "Side the reason takes (never context).", allowed={k: v for k, v in STANCES.items()
                                                                                    if k != "context"}),
        Field("statement", "str", "The reason in one sentence a reader can check, in the curator's words."),
        Field("notes", "str", "Curator's note on what the reason includes or leaves out.", required=False),
    ),
    id_field="reason_id",
)

EVENTS = Table(
    "events", "events.csv",
    "Events the articles report or react to, each with a reference: the timeline's landmarks and the unit for "
    "counting independent sources.",
    (
        Field("event_id", "str", "Event id, `E` and two or more digits.", pattern=EVENT_ID, unique=True),
        Field("date", "date", "Date of the event (its first day)."),
        Field("date_precision", "str", "How precise the date is.", allowed=DATE_PRECISIONS),
        Field("kind", "str", "Kind of event.", allowed=EVENT_KINDS),
        Field("title", "str", "Short title shown on the timeline."),
        Field("description", "str", "One or two sentences on what happened."),
        *_reference_fields(),
    ),
    id_field="event_id",
)

COMPARISON = Table(
    "comparison", "comparison.csv",
    "Israel and Ukraine side by side, factor by factor: each cell a short statement resting on the ledger's claims "
    "or analyst notes, an empty cell where the sources say nothing.",
    (
        Field("factor_id", "str", "Factor id, lower case letters, digits and underscores.", pattern=THEME_ID,
              unique=True),
        Field("order", "int", "Position of the factor in the table (1 first).", min=1),
        Field("factor", "str", "The factor compared, as the table's row heading."),
        Field("israel", "str", "What the sources say of Israel on this factor; empty when they say nothing.",
              required=False),
        Field("israel_sources", "list", "Claim or analyst-note ids the Israel cell rests on, separated by spaces; "
              "at least one when the cell is not empty.", required=False, ref="claims|analyst_notes"),
        Field("ukraine", "str", "What the sources say of Ukraine on this factor; empty when they say nothing.",
              required=False),
        Field("ukraine_sources", "list", "Claim or analyst-note ids the Ukraine cell rests on, separated by spaces; "
              "at least one when the cell is not empty.", required=False, ref="claims|analyst_notes"),
    ),
    id_field="factor_id",
)

TABLES: dict[str, Table] = {t.name: t for t in (ARTICLES, THEMES, ACTORS, CLAIMS, ANALYST_NOTES, RELATIONS, FACT_CHECKS,
                                                REASONS, EVENTS, COMPARISON)}
CSV_TABLES = ("claims", "analyst_notes", "relations", "fact_checks", "reasons", "events", "comparison")
YAML_TABLES = ("themes", "actors")

RELEVANCE_RUBRIC = {
    5: "Names a difference between the two cases that directly explains, or directly disputes, why allies "
       "intercepted over Israel but not over Ukraine.",
    4: "Bears on intercepting over Ukraine (or over Israel) specifically, without drawing the comparison itself.",
    3: "Bears on the wider question of Western military involvement or air-defence support, of which "
       "interception is one part.",
    2: "Background a reader needs to weigh an argument, not itself an argument about interception.",
    1: "About another question (arms transfers, aid politics, Iron Dome exports) that only touches interception.",
}

#: Support rubric (the ``strength`` column of claims and analyst notes): how well a statement is supported.
STRENGTH_RUBRIC = {
    5: "A verifiable fact, or an on-record statement of policy by the official responsible for it; specific, "
       "and corroborated by another article or the public record.",
    4: "An on-record, specific claim by a named official or named expert, with reasoning or evidence given.",
    3: "A named actor's claim stated without supporting detail, or the outlet's own analysis with a visible basis.",
    2: "Unnamed sources ('officials', 'experts'), vague or rhetorical claims, or uncorroborated assertions in "
       "state-controlled media.",
    1: "An unsupported assertion, internally inconsistent, or contradicted by another source or a known fact.",
}
