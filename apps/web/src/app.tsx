import { label, temperatureLevels } from '@cb/domain';

/** Placeholder shell until the web app issue: shows that the domain package is shared with the browser. */
export function App() {
  return (
    <main>
      <h1>Клиентская база</h1>
      <p>
        API: /trpc · {temperatureLevels.map((level) => label('temperatureLevel', level, 'ru')).join(' · ')}
      </p>
    </main>
  );
}
