import { gql } from "@apollo/client";
import { useTranslation } from "core/helpers/i18n";
import { formatCost, formatDay } from "assistant/helpers/format";
import { UsageSummary_UsageFragment } from "./UsageSummary.generated";

type UsageSummaryProps = {
  usage: UsageSummary_UsageFragment;
};

/** What the user spent on the assistant this month, against their monthly limit if any. */
const UsageSummary = ({ usage }: UsageSummaryProps) => {
  const { t } = useTranslation();
  const spent = Number.parseFloat(usage.totals.cost);
  const limit = usage.limit === null || usage.limit === undefined ? null : Number.parseFloat(usage.limit);
  const share = limit && limit > 0 ? Math.min(1, Math.max(0, spent / limit)) : null;
  const color = share === null ? "" : share >= 1 ? "bg-red-600" : share >= 0.8 ? "bg-amber-500" : "bg-blue-600";
  return (
    <section aria-label={t("Your assistant usage this month")} className="text-sm text-gray-600">
      <p>
        {limit === null
          ? t("This month you have spent {{spent}} on the assistant (no monthly limit).", { spent: formatCost(usage.totals.cost) })
          : t("This month you have spent {{spent}} of your {{limit}} limit; it resets on {{date}}.", {
              spent: formatCost(usage.totals.cost),
              limit: formatCost(usage.limit),
              date: formatDay(usage.resetsAt),
            })}
      </p>
      {share !== null ? (
        <div
          role="meter"
          aria-label={t("Share of your monthly limit spent")}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(share * 100)}
          className="mt-1.5 h-1.5 w-full max-w-xs overflow-hidden rounded-full bg-gray-200"
        >
          <div className={`h-full ${color}`} style={{ width: `${share * 100}%` }} />
        </div>
      ) : null}
    </section>
  );
};

UsageSummary.fragments = {
  usage: gql`
    fragment UsageSummary_usage on MyAssistantUsage {
      totals {
        cost
      }
      limit
      resetsAt
    }
  `,
};

export default UsageSummary;
