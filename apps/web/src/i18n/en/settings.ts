import type { Shape } from '../shape.ts';
import type ru from '../ru/settings.ts';

export default {
  title: 'TODO',
} satisfies Shape<typeof ru>;
