"""API shapes: consultations, questions, aggregate results and turnout — no personal data."""

from rest_framework import serializers

from consultations.models import Choice, Consultation, Question


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "position", "text", "meaning"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "consultation",
            "position",
            "text",
            "help_text",
            "type",
            "required",
            "min_choices",
            "max_choices",
            "is_decision",
            "choices",
        ]


class ConsultationSerializer(serializers.ModelSerializer):
    estate_name = serializers.CharField(source="estate.name", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "decision_rule",
            "require_no_objection",
            "status",
            "estate",
            "estate_name",
            "building",
            "stairwell",
            "opens_at",
            "closes_at",
            "publicity_days",
            "publicity_starts_at",
            "publicity_ends_at",
            "result_notice",
            "passed",
            "decided_at",
        ]
        read_only_fields = fields


class CheckSerializer(serializers.Serializer):
    label = serializers.CharField()
    numerator = serializers.CharField()
    denominator = serializers.CharField()
    value = serializers.SerializerMethodField()
    threshold = serializers.SerializerMethodField()
    strict = serializers.BooleanField()
    passed = serializers.BooleanField()

    def get_value(self, check) -> str | None:
        value = check.value
        return None if value is None else f"{value.numerator}/{value.denominator}"

    def get_threshold(self, check) -> str:
        return f"{check.threshold.numerator}/{check.threshold.denominator}"


def tally_data(tally) -> dict:
    """The tally as plain data: counts, areas (strings, exact) and the rule's checks."""
    questions = []
    for entry in tally.questions:
        q = entry["question"]
        item = {"id": q.pk, "text": q.text, "type": q.type}
        if entry["choices"]:
            item["choices"] = [
                {"id": r["choice"].pk, "text": r["choice"].text, "count": r["count"]}
                for r in entry["choices"]
            ]
        if q.type == Question.Type.RATING:
            rate = entry["satisfaction_rate"]
            item.update(
                rated=entry["rated"],
                satisfied=entry["satisfied"],
                average=str(entry["average"]) if entry["average"] is not None else None,
                satisfaction_rate=f"{rate.numerator}/{rate.denominator}"
                if rate is not None
                else None,
            )
        if q.type == Question.Type.TEXT:
            item["texts"] = entry["texts"]
        questions.append(item)
    return {
        "electorate_count": tally.electorate_count,
        "electorate_area": str(tally.electorate_area),
        "electorate_frozen_at": tally.electorate_frozen_at.isoformat()
        if tally.electorate_frozen_at
        else None,
        "participating_count": tally.participating_count,
        "participating_area": str(tally.participating_area),
        "yes_count": tally.yes_count,
        "yes_area": str(tally.yes_area),
        "no_count": tally.no_count,
        "no_area": str(tally.no_area),
        "abstain_count": tally.abstain_count,
        "abstain_area": str(tally.abstain_area),
        "passed": tally.passed,
        "checks": CheckSerializer(tally.checks, many=True).data,
        "questions": questions,
    }


# ---- aggregate results and turnout (the shapes of tally_data and the turnout action) ---------


class ResultChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()


class ResultQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    type = serializers.ChoiceField(choices=Question.Type.choices)
    choices = ResultChoiceSerializer(many=True, required=False, help_text="Choice questions.")
    rated = serializers.IntegerField(required=False, help_text="Rating questions: ratings given.")
    satisfied = serializers.IntegerField(required=False, help_text="…of them 4 or 5.")
    average = serializers.CharField(required=False, allow_null=True)
    satisfaction_rate = serializers.CharField(
        required=False, allow_null=True, help_text="An exact fraction, e.g. 7/9."
    )
    texts = serializers.IntegerField(required=False, help_text="Text questions: answers written.")


class ResultsSerializer(serializers.Serializer):
    """Counts and floor areas (strings, exact) of the counted ballots and the decision rule's
    checks as exact fractions; never who voted how."""

    electorate_count = serializers.IntegerField()
    electorate_area = serializers.CharField()
    electorate_frozen_at = serializers.DateTimeField(
        allow_null=True, help_text="When the electorate counted was frozen (None: a draft)."
    )
    participating_count = serializers.IntegerField()
    participating_area = serializers.CharField()
    yes_count = serializers.IntegerField()
    yes_area = serializers.CharField()
    no_count = serializers.IntegerField()
    no_area = serializers.CharField()
    abstain_count = serializers.IntegerField()
    abstain_area = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True, help_text="None: no decision rule.")
    checks = CheckSerializer(many=True)
    questions = ResultQuestionSerializer(many=True)


class TurnoutRowSerializer(serializers.Serializer):
    building = serializers.CharField()
    stairwell = serializers.CharField()
    floor = serializers.IntegerField()
    dwellings = serializers.IntegerField()
    voted = serializers.IntegerField()


class TurnoutSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Dwellings entitled to vote.")
    voted = serializers.IntegerField(help_text="Dwellings with a counted ballot.")
    by_channel = serializers.DictField(
        child=serializers.IntegerField(), help_text="Counted ballots by channel."
    )
    rows = TurnoutRowSerializer(many=True)
