//! Charts drawn on the server as SVG with plotters (its SVG backend escapes the text it draws).
//! The page embeds them as markup; there is no script and no inline style in them.

use plotters::prelude::*;

const BRAND: RGBColor = RGBColor(0x9f, 0x1d, 0x20);
const BLUE: RGBColor = RGBColor(0x05, 0x50, 0xae);
const INK: RGBColor = RGBColor(0x1f, 0x23, 0x28);
const FONT: &str = "Noto Sans CJK SC, sans-serif";

/// Bars with labels under them.
pub(super) fn bars(title: &str, items: &[(String, i64)]) -> String {
    let mut svg = String::new();
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = items.len().max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (560, 280)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, (FONT, 16).into_font().color(&INK))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(slots(n).into_segmented(), 0..(max + max / 10 + 1))
        else {
            return svg_fallback(title);
        };
        let labels: Vec<String> = items.iter().map(|(l, _)| l.clone()).collect();
        let _ = chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels.get(*i).cloned().unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .label_style((FONT, 12).into_font().color(&INK))
            .draw();
        let _ = chart.draw_series(items.iter().enumerate().map(|(i, (_, v))| {
            let mut bar =
                Rectangle::new([(SegmentValue::Exact(i), 0), (SegmentValue::Exact(i + 1), *v)], BRAND.filled());
            bar.set_margin(0, 0, 8, 8);
            bar
        }));
        let _ = root.present();
    }
    svg
}

/// One slot per item on a segmented axis. An integer range holds both ends, so 0..n-1 is n slots;
/// a range of one value has no length to draw in, so one item gets a second, empty slot.
fn slots(n: usize) -> std::ops::Range<usize> {
    0..n.max(2) - 1
}

/// Horizontal bars, best first, the names beside them (long unit names stay readable), for
/// scores out of 100.
pub(super) fn ranked(title: &str, items: &[(String, f64)]) -> String {
    let mut svg = String::new();
    let n = items.len().max(1);
    let height = u32::try_from(90 + 34 * n.max(2)).unwrap_or(u32::MAX);
    {
        let root = SVGBackend::with_string(&mut svg, (560, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, (FONT, 16).into_font().color(&INK))
            .margin(10)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(150)
            .build_cartesian_2d(0f64..100f64, slots(n).into_segmented())
        else {
            return svg_fallback(title);
        };
        let labels: Vec<String> = items.iter().map(|(l, _)| l.clone()).collect();
        let _ = chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            // The first item on top: slot 0 is at the bottom.
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    n.checked_sub(1 + *i).and_then(|k| labels.get(k)).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .x_labels(6)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 12).into_font().color(&INK))
            .draw();
        let _ = chart.draw_series(items.iter().enumerate().map(|(k, (_, v))| {
            let i = n - 1 - k;
            let mut bar =
                Rectangle::new([(0.0, SegmentValue::Exact(i)), (*v, SegmentValue::Exact(i + 1))], BRAND.filled());
            bar.set_margin(5, 5, 0, 0);
            bar
        }));
        let _ = root.present();
    }
    svg
}

/// Two lines per week: new and signed off.
pub(super) fn trend(title: &str, weeks: &[(String, i64, i64)], new_label: &str, closed_label: &str) -> String {
    let mut svg = String::new();
    let max = weeks.iter().map(|(_, a, b)| (*a).max(*b)).max().unwrap_or(0).max(1);
    let n = weeks.len().max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (560, 280)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, (FONT, 16).into_font().color(&INK))
            .margin(10)
            // Room for the last week's label, centred on the right edge.
            .margin_right(28)
            .x_label_area_size(40)
            .y_label_area_size(50)
            // Headroom above the highest week, where the legend sits over no line.
            .build_cartesian_2d(0..n.saturating_sub(1).max(1), 0..(max + max * 2 / 5 + 2))
        else {
            return svg_fallback(title);
        };
        let labels: Vec<String> = weeks.iter().map(|(l, _, _)| l.clone()).collect();
        let _ = chart
            .configure_mesh()
            // A label for every week.
            .x_labels(n)
            .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
            .label_style((FONT, 12).into_font().color(&INK))
            .draw();
        if let Ok(series) =
            chart.draw_series(LineSeries::new(weeks.iter().enumerate().map(|(i, w)| (i, w.1)), BRAND.stroke_width(2)))
        {
            series.label(new_label).legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BRAND.stroke_width(2)));
        }
        if let Ok(series) =
            chart.draw_series(LineSeries::new(weeks.iter().enumerate().map(|(i, w)| (i, w.2)), BLUE.stroke_width(2)))
        {
            series
                .label(closed_label)
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLUE.stroke_width(2)));
        }
        let _ = chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 12).into_font().color(&INK))
            .border_style(INK)
            .draw();
        let _ = root.present();
    }
    svg
}

fn svg_fallback(title: &str) -> String {
    let escaped = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"40\"><text x=\"10\" y=\"24\">{escaped}</text></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_text_is_escaped_and_carries_no_script_or_style() {
        let svg = bars("状态", &[("<script>alert(1)</script>".into(), 3), ("整改中".into(), 5)]);
        assert!(svg.starts_with("<svg"));
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
        let t = trend("趋势", &[("11-02".into(), 3, 1), ("11-09".into(), 5, 4)], "新增", "销号");
        assert!(t.contains("新增") && !t.contains("style="));
        let r = ranked("得分", &[("市住房和城乡建设局".into(), 44.0)]);
        assert!(r.contains("市住房和城乡建设局") && r.to_uppercase().contains("9F1D20"), "the bar is drawn: {r}");
        assert!(!r.contains("style="));
    }
}
