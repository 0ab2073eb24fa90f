import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';

// Element Plus is imported on demand: the resolvers turn every <el-*> tag, v-loading and the
// ElMessage / ElMessageBox calls into per-component imports with their CSS. The full bundle
// would make a 1.6 MB main chunk (docs/ECOSYSTEM-NOTES.md).
export default defineConfig({
  plugins: [
    vue(),
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'src/auto-imports.d.ts',
    }),
    Components({
      resolvers: [ElementPlusResolver()],
      // Only Element Plus is resolved; our own components are imported explicitly.
      dirs: [],
      dts: 'src/components.d.ts',
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  server: {
    port: 5173,
    // The API runs same-origin in production; in development Vite forwards /api to it. The Host
    // header is kept (changeOrigin: false) because the server compares Origin with Host on writes.
    proxy: { '/api': { target: process.env.API_PROXY_TARGET ?? 'http://localhost:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 300,
    rolldownOptions: {
      output: {
        // Shared chunks get a neutral name instead of that of whichever module the bundler
        // picked (e.g. "css-…", "form-errors-…"); route views keep their own names.
        chunkFileNames: (chunk) =>
          chunk.isDynamicEntry || chunk.name === 'vue-vendor' ? 'assets/[name]-[hash].js' : 'assets/shared-[hash].js',
        codeSplitting: {
          groups: [
            // The framework every page needs, in one long-cached chunk.
            {
              name: 'vue-vendor',
              test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
});
