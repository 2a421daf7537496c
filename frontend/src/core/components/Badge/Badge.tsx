import clsx from "clsx";
import { ReactNode } from "react";

export type BadgeColor = "gray" | "blue" | "green" | "red" | "amber" | "purple";

const COLORS: Record<BadgeColor, string> = {
  gray: "bg-gray-100 text-gray-700 ring-gray-500/20",
  blue: "bg-blue-50 text-blue-700 ring-blue-600/20",
  green: "bg-green-50 text-green-700 ring-green-600/20",
  red: "bg-red-50 text-red-700 ring-red-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20",
  purple: "bg-purple-50 text-purple-700 ring-purple-600/20",
};

type BadgeProps = { color?: BadgeColor; className?: string; children: ReactNode; /** a long label may wrap */ wrap?: boolean };

const Badge = ({ color = "gray", className, children, wrap }: BadgeProps) => (
  <span
    className={clsx(
      "inline-flex items-center rounded-md px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset",
      wrap ? "whitespace-normal" : "whitespace-nowrap",
      COLORS[color],
      className,
    )}
  >
    {children}
  </span>
);

export default Badge;
